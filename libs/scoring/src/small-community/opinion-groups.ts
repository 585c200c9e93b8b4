import {
  fitMatrixFactorization,
  identifyFactorSign,
  initialParameters,
  regularisationFor,
  type MfParameters,
} from '../lib/matrix-factorization';
import { NoteStatus } from '../lib/note-status';
import { buildRatingMatrix } from '../lib/rating-matrix';
import { selectRatings } from '../lib/rating-filters';
import { HelpfulnessLevel, type ScoringInput } from '../lib/scoring-input';

/**
 * The small-community regime: opinion groups with a per-group evidence test (after Polis, which
 * finds opinion groups among a few dozen participants and reports a comment's agreement within
 * each group). Chosen over "Core with fewer minimums" by the study in
 * `docs/small-community-scoring.md`.
 *
 * 1. Viewpoints: the Core's one-factor model (§4.1, the same exact alternating least squares)
 *    fitted on every rating of members with at least `minRaterRatings` ratings, with a stronger
 *    prior on rater factors (`raterFactorPriorScale` × the Core's λ), so that a member with a
 *    handful of ratings is not pushed to an extreme. The larger camp gets negative factors (§4.3).
 * 2. Groups: members whose factor is clearly off zero (|f| ≥ `groupMargin` × the factors' RMS)
 *    belong to group A (negative) or B (positive); the rest belong to neither.
 * 3. Per note and group, the helpful share h / n (SOMEWHAT_HELPFUL counts half) gets a uniform
 *    Beta(1, 1) prior; its posterior bounds are mean ± `z` standard deviations.
 *    - HELPFUL: misleading, at least `minRatingsPerGroup` ratings from each group and the lower
 *      bound ≥ 1/2 in both: members who usually disagree both found it helpful (the bridging
 *      requirement, kept explicitly instead of through the note factor).
 *    - NOT HELPFUL: at least `minRatingsPerGroup` ratings from each group and the upper bound
 *      < 1/2 in both, or a NOT_MISLEADING note with at least 2 × `minRatingsPerGroup` ratings in
 *      all (from any member, in a group or not) whose pooled upper bound is < 1/2.
 *    - Otherwise NEEDS MORE RATINGS, with how many more HELPFUL ratings each group would need.
 */
export interface OpinionGroupParameters {
  readonly minRaterRatings: number;
  readonly raterFactorPriorScale: number;
  readonly groupMargin: number;
  readonly minRatingsPerGroup: number;
  readonly z: number;
  /** The share a group's lower bound must reach (helpful) or its upper bound stay under. */
  readonly share: number;
}

export const OPINION_GROUP_PARAMETERS: OpinionGroupParameters = {
  minRaterRatings: 3,
  raterFactorPriorScale: 4,
  groupMargin: 0.25,
  minRatingsPerGroup: 3,
  z: 1,
  share: 0.5,
};

/** More HELPFUL ratings than this from a group are reported as "many". */
export const MAX_RATINGS_NEEDED = 50;

export interface GroupTally {
  /** Ratings from the group's members. */
  readonly ratings: number;
  readonly helpful: number;
  readonly somewhatHelpful: number;
  readonly notHelpful: number;
}

export interface OpinionGroupResult {
  /** The viewpoint fit: rater factors decide the groups. */
  readonly fit: MfParameters | undefined;
  /** Per participant: 0 group A, 1 group B, −1 neither. */
  readonly raterGroup: Int8Array;
  /** Members in each group. */
  readonly groupSizes: readonly [number, number];
  /**
   * How far from 0 a member's factor must be to belong to a group (`groupMargin` × the factors'
   * RMS); 0 without a viewpoint fit, when nobody belongs to one.
   */
  readonly margin: number;
  /** Per note and group (index 2·note + group): ratings, helpful, somewhat, not helpful. */
  readonly tally: {
    readonly ratings: Int32Array;
    readonly helpful: Int32Array;
    readonly somewhatHelpful: Int32Array;
    readonly notHelpful: Int32Array;
  };
  /** A `NoteStatus` per note (HELPFUL, NOT_HELPFUL or NEEDS_MORE_RATINGS). */
  readonly status: Uint8Array;
  /**
   * Per note and group (2·note + group): HELPFUL ratings from that group that would make its
   * lower bound reach 1/2, 0 when it already does, `MAX_RATINGS_NEEDED + 1` for "many".
   */
  readonly helpfulNeeded: Int32Array;
}

/** Posterior bounds of a helpful share under a Beta(1, 1) prior (normal approximation). */
export function shareBounds(helpfulness: number, ratings: number, z: number): [number, number] {
  const mean = (1 + helpfulness) / (2 + ratings);
  const sd = Math.sqrt((mean * (1 - mean)) / (3 + ratings));
  return [mean - z * sd, mean + z * sd];
}

function groupPasses(helpfulness: number, ratings: number, p: OpinionGroupParameters): boolean {
  return ratings >= p.minRatingsPerGroup && shareBounds(helpfulness, ratings, p.z)[0] >= p.share;
}

/** HELPFUL ratings a group would still need; bounded by `MAX_RATINGS_NEEDED` (+1 = many). */
export function helpfulRatingsNeeded(
  helpfulness: number,
  ratings: number,
  p: OpinionGroupParameters,
): number {
  for (let k = 0; k <= MAX_RATINGS_NEEDED; k++) {
    if (groupPasses(helpfulness + k, ratings + k, p)) return k;
  }
  return MAX_RATINGS_NEEDED + 1;
}

/** Fits viewpoints, forms the two groups and decides every note. Deterministic given the seed. */
export function scoreOpinionGroups(
  input: ScoringInput,
  seed: number,
  p: OpinionGroupParameters = OPINION_GROUP_PARAMETERS,
): OpinionGroupResult {
  const noteCount = input.noteIds.length;
  const raterCount = input.participantIds.length;
  const fit = fitViewpoints(input, seed, p);
  const raterGroup = new Int8Array(raterCount).fill(-1);
  const groupSizes: [number, number] = [0, 0];
  let margin = 0;
  if (fit) {
    let sumSquares = 0;
    let count = 0;
    for (const f of fit.raterFactor) {
      if (Number.isNaN(f)) continue;
      sumSquares += f * f;
      count++;
    }
    margin = p.groupMargin * Math.sqrt(sumSquares / Math.max(1, count));
    for (let u = 0; u < raterCount; u++) {
      const f = fit.raterFactor[u];
      if (Number.isNaN(f) || margin === 0 || Math.abs(f) < margin) continue;
      raterGroup[u] = f < 0 ? 0 : 1;
      groupSizes[raterGroup[u]]++;
    }
  }

  const size = 2 * noteCount;
  const tally = {
    ratings: new Int32Array(size),
    helpful: new Int32Array(size),
    somewhatHelpful: new Int32Array(size),
    notHelpful: new Int32Array(size),
  };
  const pooledRatings = new Int32Array(noteCount);
  const pooledHelpfulness = new Float64Array(noteCount);
  for (let i = 0; i < input.ratingNote.length; i++) {
    const n = input.ratingNote[i];
    const level = input.ratingLevel[i];
    pooledRatings[n]++;
    pooledHelpfulness[n] += level * 0.5;
    const group = raterGroup[input.ratingRater[i]];
    if (group < 0) continue;
    const k = 2 * n + group;
    tally.ratings[k]++;
    if (level === HelpfulnessLevel.Helpful) tally.helpful[k]++;
    else if (level === HelpfulnessLevel.NotHelpful) tally.notHelpful[k]++;
    else tally.somewhatHelpful[k]++;
  }

  const status = new Uint8Array(noteCount);
  const helpfulNeeded = new Int32Array(size);
  for (let n = 0; n < noteCount; n++) {
    let allPass = true;
    let allFail = true;
    for (let g = 0; g < 2; g++) {
      const k = 2 * n + g;
      const ratings = tally.ratings[k];
      const helpfulness = tally.helpful[k] + 0.5 * tally.somewhatHelpful[k];
      helpfulNeeded[k] = helpfulRatingsNeeded(helpfulness, ratings, p);
      if (helpfulNeeded[k] > 0) allPass = false;
      if (ratings < p.minRatingsPerGroup || shareBounds(helpfulness, ratings, p.z)[1] >= p.share) {
        allFail = false;
      }
    }
    const misleading = input.noteMisleading[n] === 1;
    const pooledFails =
      pooledRatings[n] >= 2 * p.minRatingsPerGroup &&
      shareBounds(pooledHelpfulness[n], pooledRatings[n], p.z)[1] < 0.5;
    if (misleading && allPass) status[n] = NoteStatus.CurrentlyRatedHelpful;
    else if (allFail || (!misleading && pooledFails)) {
      status[n] = NoteStatus.CurrentlyRatedNotHelpful;
    } else status[n] = NoteStatus.NeedsMoreRatings;
  }
  return { fit, raterGroup, groupSizes, margin, tally, status, helpfulNeeded };
}

/** Step 1: the viewpoint fit, or undefined when too few members have rated enough. */
export function fitViewpoints(
  input: ScoringInput,
  seed: number,
  p: OpinionGroupParameters,
): MfParameters | undefined {
  const raterCounts = new Int32Array(input.participantIds.length);
  for (const u of input.ratingRater) raterCounts[u]++;
  const selection = selectRatings(
    input,
    (i) => raterCounts[input.ratingRater[i]] >= p.minRaterRatings,
  );
  const matrix = buildRatingMatrix(input, selection);
  if (matrix.activeRaters < 2 * p.minRatingsPerGroup || matrix.activeNotes < 2) return undefined;
  const base = regularisationFor(matrix);
  const fit = fitMatrixFactorization(matrix, initialParameters(matrix, seed), {
    ...base,
    raterFactor: base.raterFactor * p.raterFactorPriorScale,
  });
  const parameters = fit.parameters;
  // Members and notes the fit did not see have no viewpoint.
  for (let u = 0; u < matrix.raterCount; u++) {
    if (matrix.raterStart[u + 1] === matrix.raterStart[u]) {
      parameters.raterFactor[u] = NaN;
      parameters.raterIntercept[u] = NaN;
    }
  }
  for (let n = 0; n < matrix.noteCount; n++) {
    if (matrix.noteStart[n + 1] === matrix.noteStart[n]) {
      parameters.noteFactor[n] = NaN;
      parameters.noteIntercept[n] = NaN;
    }
  }
  identifyFactorSign(parameters);
  return parameters;
}
