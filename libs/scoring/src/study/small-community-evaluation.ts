import { NoteStatus } from '../lib/note-status';
import { scoreNotes } from '../lib/scorer';
import type { ScoringInput } from '../lib/scoring-input';
import {
  OPINION_GROUP_PARAMETERS,
  fitViewpoints,
  scoreOpinionGroups,
} from '../small-community/opinion-groups';
import {
  generateSmallCommunity,
  smallCommunityInput,
  type SmallCommunity,
} from '../synthetic/small-community-synthetic';

/**
 * The regimes the study compares. Each maps a community's input to a helpful flag per note
 * (1 = shown as helpful).
 */
export const STUDY_REGIMES = {
  /** Today's model: the Core scorer with every safeguard, as production ran it before. */
  core: (input: ScoringInput, seed: number) =>
    flagHelpful(scoreNotes(input, { seed, regime: 'core' }).finalStatus),
  /**
   * "Fewer minimums with a bridging constraint": the same one-factor model on every member with
   * ≥ 3 ratings, stronger rater-factor priors, the Core's thresholds (intercept ≥ 0.40,
   * |factor| ≤ 0.5), plus ≥ 2 HELPFUL ratings from each side of the factor axis.
   */
  'shrunk-core': (input: ScoringInput, seed: number) => {
    const fit = fitViewpoints(input, seed, OPINION_GROUP_PARAMETERS);
    const helpful = new Uint8Array(input.noteIds.length);
    if (!fit) return helpful;
    const sideHelpful = new Int32Array(2 * input.noteIds.length);
    for (let i = 0; i < input.ratingNote.length; i++) {
      const f = fit.raterFactor[input.ratingRater[i]];
      if (Number.isNaN(f) || input.ratingLevel[i] !== 2) continue;
      sideHelpful[2 * input.ratingNote[i] + (f < 0 ? 0 : 1)]++;
    }
    for (let n = 0; n < helpful.length; n++) {
      helpful[n] =
        fit.noteIntercept[n] >= 0.4 &&
        Math.abs(fit.noteFactor[n]) <= 0.5 &&
        sideHelpful[2 * n] >= 2 &&
        sideHelpful[2 * n + 1] >= 2
          ? 1
          : 0;
    }
    return helpful;
  },
  /** The small-community regime (`opinion-groups.ts`). */
  'opinion-groups': (input: ScoringInput, seed: number) =>
    flagHelpful(scoreOpinionGroups(input, seed).status),
  /** What production runs: the automatic switch between the Core and opinion groups. */
  auto: (input: ScoringInput, seed: number) => flagHelpful(scoreNotes(input, { seed }).finalStatus),
} as const;

export type StudyRegime = keyof typeof STUDY_REGIMES;

function flagHelpful(status: Uint8Array): Uint8Array {
  return status.map((s) => (s === NoteStatus.CurrentlyRatedHelpful ? 1 : 0));
}

export interface CommunityMeasures {
  readonly members: number;
  /** Mean ratings per member the community was generated with. */
  readonly activity: number;
  readonly seed: number;
  readonly ratings: number;
  readonly notes: number;
  readonly bridging: number;
  readonly shown: number;
  readonly shownBridging: number;
  readonly oneSided: number;
  readonly oneSidedShown: number;
  readonly brigaded: number;
  readonly brigadedShown: number;
  /** Ratings the community had when a truly bridging note was first shown; null: never. */
  readonly ratingsToFirstHelpful: number | null;
}

/** Share of the ratings at which the study re-scores to find the first helpful note. */
export const PREFIX_STEPS = 20;

/** Scores one synthetic community under a regime and counts against its truth. */
export function measureCommunity(
  regime: StudyRegime,
  members: number,
  seed: number,
  activity = 8,
  community: SmallCommunity = generateSmallCommunity({
    seed,
    members,
    meanRatingsPerMember: activity,
  }),
): CommunityMeasures {
  const score = STUDY_REGIMES[regime];
  const total = community.ratings.length;
  const helpful = score(smallCommunityInput(community), seed);
  let shown = 0;
  let shownBridging = 0;
  let bridging = 0;
  let oneSided = 0;
  let oneSidedShown = 0;
  let brigaded = 0;
  let brigadedShown = 0;
  // The input holds every note at full length, so note indexes match the community's.
  for (let n = 0; n < community.noteIds.length; n++) {
    const isBrigaded = community.brigadeTarget[n] === 1 && community.trulyBridging[n] === 0;
    bridging += community.trulyBridging[n];
    oneSided += community.oneSided[n];
    if (isBrigaded) brigaded++;
    if (helpful[n] !== 1) continue;
    shown++;
    shownBridging += community.trulyBridging[n];
    oneSidedShown += community.oneSided[n];
    if (isBrigaded) brigadedShown++;
  }
  return {
    members,
    activity,
    seed,
    ratings: total,
    notes: community.noteIds.length,
    bridging,
    shown,
    shownBridging,
    oneSided,
    oneSidedShown,
    brigaded,
    brigadedShown,
    ratingsToFirstHelpful: firstHelpful(score, community, seed),
  };
}

/** The smallest prefix (in 1/PREFIX_STEPS of the ratings) showing a truly bridging note. */
function firstHelpful(
  score: (input: ScoringInput, seed: number) => Uint8Array,
  community: SmallCommunity,
  seed: number,
): number | null {
  const total = community.ratings.length;
  for (let step = 1; step <= PREFIX_STEPS; step++) {
    const count = Math.round((total * step) / PREFIX_STEPS);
    const input = smallCommunityInput(community, count);
    const helpful = score(input, seed);
    for (let n = 0; n < helpful.length; n++) {
      // The prefix's input holds only notes created so far: map back by id.
      const index = community.noteIds.indexOf(input.noteIds[n]);
      if (helpful[n] === 1 && community.trulyBridging[index] === 1) return count;
    }
  }
  return null;
}

export interface RegimeSummary {
  readonly regime: StudyRegime;
  readonly members: number;
  readonly activity: number;
  readonly communities: number;
  readonly meanRatings: number;
  /** Pooled over the seeds: shown-and-bridging ÷ shown (null when nothing was shown). */
  readonly precision: number | null;
  readonly recall: number;
  readonly oneSidedShownRate: number;
  readonly brigadedShownRate: number;
  /** Median over seeds; null when half or more of the communities never showed one. */
  readonly medianRatingsToFirstHelpful: number | null;
}

export function summarise(
  regime: StudyRegime,
  members: number,
  activity: number,
  runs: readonly CommunityMeasures[],
): RegimeSummary {
  const sum = (key: keyof CommunityMeasures): number =>
    runs.reduce((total, run) => total + (run[key] as number), 0);
  const times = runs
    .map((run) => run.ratingsToFirstHelpful ?? Number.POSITIVE_INFINITY)
    .sort((a, b) => a - b);
  const median = times[Math.floor((times.length - 1) / 2)];
  return {
    regime,
    members,
    activity,
    communities: runs.length,
    meanRatings: sum('ratings') / runs.length,
    precision: sum('shown') > 0 ? sum('shownBridging') / sum('shown') : null,
    recall: sum('bridging') > 0 ? sum('shownBridging') / sum('bridging') : 0,
    oneSidedShownRate: sum('oneSided') > 0 ? sum('oneSidedShown') / sum('oneSided') : 0,
    brigadedShownRate: sum('brigaded') > 0 ? sum('brigadedShown') / sum('brigaded') : 0,
    medianRatingsToFirstHelpful: Number.isFinite(median) ? median : null,
  };
}
