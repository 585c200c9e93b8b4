import { MIN_NET_HELPFUL_PER_SIDE, MIN_RATINGS_PER_NOTE } from '../lib/constants';
import type { SideCounts } from '../lib/side-counts';
import { MAX_RATINGS_NEEDED, type OpinionGroupResult } from './opinion-groups';
import type { RegimeName } from './regime';

/** One side's ratings of a note, as the deciding regime counted them. */
export interface SideRatings {
  readonly ratings: number;
  readonly helpful: number;
  readonly somewhatHelpful: number;
  readonly notHelpful: number;
}

/**
 * What a note's ratings show and what is still missing before it can be shown as helpful, in
 * the deciding regime's own terms: the two sides are the two opinion groups (small-community
 * regime) or the two signs of the rater factor (Core), the larger camp first.
 */
export interface MissingRatings {
  readonly regime: RegimeName;
  readonly sides: readonly [SideRatings, SideRatings];
  /**
   * HELPFUL ratings each side still needs for the note's helpful test on that side to pass (0:
   * it passes); null when more than `MAX_RATINGS_NEEDED` would be needed. For the Core this is
   * its net-helpful minimum per side (§5.3 rule 13); the intercept must also reach 0.40, so it
   * is a lower bound there.
   */
  readonly helpfulNeeded: readonly [number | null, number | null];
  /** Ratings of any kind the note needs before the Core rules apply at all (≥ 5); 0 for groups. */
  readonly ratingsNeeded: number;
}

export function groupMissingRatings(groups: OpinionGroupResult, note: number): MissingRatings {
  const side = (g: number): SideRatings => ({
    ratings: groups.tally.ratings[2 * note + g],
    helpful: groups.tally.helpful[2 * note + g],
    somewhatHelpful: groups.tally.somewhatHelpful[2 * note + g],
    notHelpful: groups.tally.notHelpful[2 * note + g],
  });
  const needed = (g: number): number | null => {
    const k = groups.helpfulNeeded[2 * note + g];
    return k > MAX_RATINGS_NEEDED ? null : k;
  };
  return {
    regime: 'small-community',
    sides: [side(0), side(1)],
    helpfulNeeded: [needed(0), needed(1)],
    ratingsNeeded: 0,
  };
}

export function coreMissingRatings(sides: SideCounts, numRatings: number): MissingRatings {
  const side = (tally: SideCounts['negative']): SideRatings => ({
    ratings: tally.raters,
    helpful: tally.helpful,
    somewhatHelpful: tally.somewhatHelpful,
    notHelpful: tally.notHelpful,
  });
  const needed = (tally: SideCounts['negative']): number =>
    Math.max(0, MIN_NET_HELPFUL_PER_SIDE - (tally.helpful - tally.notHelpful));
  return {
    regime: 'core',
    sides: [side(sides.negative), side(sides.positive)],
    helpfulNeeded: [needed(sides.negative), needed(sides.positive)],
    ratingsNeeded: Math.max(0, MIN_RATINGS_PER_NOTE - numRatings),
  };
}
