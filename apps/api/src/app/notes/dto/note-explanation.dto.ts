import { ApiProperty } from '@nestjs/swagger';
import { NoteStatus } from '@bridgenotes/database';
import type { NoteExplanationResponse, ViewpointRatingsResponse } from '@bridgenotes/protocol';
import {
  MIN_NET_HELPFUL_PER_SIDE,
  type MissingRatings,
  type NoteExplanation,
  type SideTally,
} from '@bridgenotes/scoring';

import { SideRatingsDto, sideRatings } from './side-ratings.dto';

/** One viewpoint's ratings of a note, as the scorer counted them. */
export class ViewpointRatingsDto extends SideRatingsDto implements ViewpointRatingsResponse {
  @ApiProperty({ example: 'One viewpoint', description: 'What to call this side to a reader' })
  label!: string;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description:
      "More helpful ratings this side must give before the note can be shown as helpful, while the note NEEDS_MORE_RATINGS: 0 when its side of the test passes, null when many more would be needed. 0 for a note with any other status: nothing is asked of readers then (the operator's console shows the side's figure whatever the status, as `helpfulNeededToPass`).",
  })
  helpfulRatingsNeeded!: number | null;
}

/**
 * Why a note has its status, in words a reader can act on: what each viewpoint thought of it
 * and, for a note that needs ratings, what is missing. No internal field names.
 */
export class NoteExplanationDto implements NoteExplanationResponse {
  @ApiProperty({
    example: 'Needs more ratings',
    description:
      "One of 'Rated helpful by people who usually disagree', 'Rated not helpful', 'Needs more ratings', or 'Not shown' (a note whose status is locked while it needs ratings)",
  })
  headline!: string;

  @ApiProperty({
    example:
      'It needs 3 more helpful ratings from members who usually see things differently from those who rated it so far.',
  })
  detail!: string;

  @ApiProperty({
    type: [ViewpointRatingsDto],
    description:
      'The two viewpoints among raters, as the scorer found them from how members rate; side by side',
  })
  viewpoints!: ViewpointRatingsDto[];

  @ApiProperty({
    example: 2,
    description:
      "Ratings the scoring counted from members on neither side: their viewpoint is not known yet (in small-community scoring, before a member's third rating, or while it is unclear)",
  })
  ratingsWithoutViewpoint!: number;

  @ApiProperty({
    example: 'Small-community scoring',
    description:
      'Which scoring decided: "Small-community scoring" (opinion groups, while the community is small) or "Bridging model" (Community Notes\' model)',
  })
  scoring!: string;
}

/**
 * A Core side tally as stored (libs/scoring's `SideTally`): scores stored by older scorers may
 * lack its somewhat- and not-helpful counts.
 */
type StoredCoreSide = Pick<SideTally, 'raters' | 'helpful'> & Partial<SideTally>;

/**
 * What the explanation reads of a note's stored score (libs/scoring's `NoteExplanation`, as
 * JSON): every field may be absent from scores stored before it existed (`missing` among them).
 */
interface StoredScore extends Partial<
  Pick<NoteExplanation, 'decidedBy' | 'preStabilizationStatus' | 'numRatings' | 'missing'>
> {
  negativeFactorRaters?: StoredCoreSide;
  positiveFactorRaters?: StoredCoreSide;
}

const LABELS = ['One viewpoint', 'The other viewpoint'];

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The explanation of a note's published status and score, or null before its first scoring. */
export function explanationOf(
  status: NoteStatus,
  score: unknown,
  misleading: boolean,
): NoteExplanationDto | null {
  if (score === null || typeof score !== 'object') return null;
  const stored = score as StoredScore;
  const missing = stored.missing ?? fromCoreSides(stored);
  if (!missing) return null;
  const needsRatings = status === NoteStatus.NEEDS_MORE_RATINGS;
  const viewpoints = missing.sides.map((side, index): ViewpointRatingsDto => ({
    label: LABELS[index] as string,
    ...sideRatings(side.ratings, side.helpful, side.somewhatHelpful, side.notHelpful),
    // What applies to the status shown: a reader is asked for ratings only while it needs them.
    helpfulRatingsNeeded: needsRatings ? (missing.helpfulNeeded[index] ?? null) : 0,
  }));
  const smallCommunity = missing.regime === 'small-community';
  const scoring = smallCommunity ? 'Small-community scoring' : 'Bridging model';
  // The sides count only members whose viewpoint is known: in a small community, members with
  // at least 3 ratings and a clear viewpoint; the others' ratings are said apart.
  const placed = viewpoints.reduce((sum, side) => sum + side.ratings, 0);
  const ratingsWithoutViewpoint = Math.max(0, (stored.numRatings ?? placed) - placed);
  const shares = [
    ...viewpoints.map((side) =>
      side.helpfulShare === null
        ? `no rating from ${side.label.toLowerCase()} yet`
        : `${Math.round(100 * side.helpfulShare)} % helpful on ${side.label.toLowerCase()} (${plural(side.ratings, 'rating')})`,
    ),
    ...(ratingsWithoutViewpoint > 0
      ? [
          `${plural(ratingsWithoutViewpoint, 'rating')} from members whose viewpoint isn't known yet${
            smallCommunity ? ' (known after 3 ratings)' : ''
          }`,
        ]
      : []),
  ].join('; ');
  const locked = stored.decidedBy === 'ScoringDriftGuard' ? ` ${LOCKED}` : '';
  const of = (headline: string, detail: string): NoteExplanationDto => ({
    headline,
    detail,
    viewpoints,
    ratingsWithoutViewpoint,
    scoring,
  });
  if (status === NoteStatus.CURRENTLY_RATED_HELPFUL) {
    return of(
      'Rated helpful by people who usually disagree',
      `Members on both viewpoints found it helpful: ${shares}.${locked}`,
    );
  }
  if (status === NoteStatus.CURRENTLY_RATED_NOT_HELPFUL) {
    return of(
      'Rated not helpful',
      `Members on both viewpoints found it not helpful: ${shares}.${locked}`,
    );
  }
  // A locked note never gets the ratings it lacks: "needs more ratings" would be false.
  return of(
    stored.decidedBy === 'ScoringDriftGuard' ? 'Not shown' : 'Needs more ratings',
    `${
      stored.decidedBy === 'ScoringDriftGuard'
        ? LOCKED
        : stored.decidedBy === 'InsufficientExplanation'
          ? tagsMissing(stored.preStabilizationStatus)
          : misleading
            ? whatIsMissing(missing.ratingsNeeded, viewpoints, stored.decidedBy)
            : 'A note saying the post is not misleading is never shown as helpful; it stays here unless rated not helpful.'
    } So far: ${shares}.`,
  );
}

/** §10.3: a note's status is locked 14 days after it was written (`ScoringDriftGuard`). */
const LOCKED =
  'Its status is locked: a note keeps the status it had two weeks after it was written, and new ratings no longer change it.';

/**
 * §9 InsufficientExplanation: a helpful (not helpful) verdict stands only with two helpful
 * (not-helpful) tags, each chosen by two of the note's raters.
 */
function tagsMissing(preStabilizationStatus: string | undefined): string {
  return preStabilizationStatus === 'CURRENTLY_RATED_NOT_HELPFUL'
    ? 'Its ratings are enough to rate it not helpful, but that verdict stands only when its raters agree on why: two of the tags raters choose (such as "Incorrect" or "Sources missing or unreliable") must each be chosen by at least two raters.'
    : 'Its ratings are enough to show it, but a note is shown only when its raters agree on why it helps: two of the tags raters choose (such as "Clear" or "Good sources") must each be chosen by at least two raters. Ratings that name what applies would help.';
}

/** The sentence naming what a note that needs ratings is missing. */
function whatIsMissing(
  ratingsNeeded: number,
  viewpoints: ViewpointRatingsDto[],
  decidedBy: string | undefined,
): string {
  if (decidedBy === 'NmrDueToMinStableCrhTime') {
    return 'Its ratings are enough to show it as helpful; it is held back for up to an hour to check that the verdict is stable.';
  }
  if (decidedBy === 'TopicModel') {
    // A topic's own model vetoed it (§8.6): the community's ratings would show it.
    return "The community's ratings lean helpful, but the members who follow its topic closely do not agree yet; it needs their agreement too.";
  }
  if (ratingsNeeded > 0) {
    return `It needs ${plural(ratingsNeeded, 'more rating')} before it can be scored.`;
  }
  const [one, other] = viewpoints as [ViewpointRatingsDto, ViewpointRatingsDto];
  const needOne = one.helpfulRatingsNeeded;
  const needOther = other.helpfulRatingsNeeded;
  const many = 'many more helpful ratings';
  if (needOne === 0 && needOther === 0) {
    // Each viewpoint's test passes; the overall score is not yet high enough.
    return 'Both viewpoints lean helpful, but not yet clearly enough: it needs more helpful ratings from either.';
  }
  if (needOne === 0 || needOther === 0) {
    const lacking = needOne === 0 ? other : one;
    const count = lacking.helpfulRatingsNeeded;
    const amount = count === null ? many : plural(count, 'more helpful rating');
    return lacking.ratings === 0
      ? `It needs ${amount} from members who usually see things differently from those who rated it so far.`
      : `It needs ${amount} from ${lacking.label.toLowerCase()}, where members have not found it helpful enough yet.`;
  }
  const amount = (count: number | null) => (count === null ? 'many more' : `${count} more`);
  return `It needs helpful ratings from both viewpoints: ${amount(needOne)} from one and ${amount(needOther)} from the other.`;
}

/**
 * Scores published before the explanation existed: the Core's side tallies and its net-helpful
 * minimum per side (§5.3 rule 13).
 */
function fromCoreSides(stored: StoredScore): MissingRatings | undefined {
  const { negativeFactorRaters: one, positiveFactorRaters: other } = stored;
  if (!one || !other) return undefined;
  const side = ({ raters, helpful, somewhatHelpful = 0, notHelpful }: StoredCoreSide) => ({
    ratings: raters,
    helpful,
    somewhatHelpful,
    notHelpful: notHelpful ?? raters - helpful - somewhatHelpful,
  });
  const needed = (tally: StoredCoreSide) =>
    Math.max(0, MIN_NET_HELPFUL_PER_SIDE - (tally.helpful - (tally.notHelpful ?? 0)));
  return {
    regime: 'core',
    sides: [side(one), side(other)],
    helpfulNeeded: [needed(one), needed(other)],
    ratingsNeeded: 0,
  };
}
