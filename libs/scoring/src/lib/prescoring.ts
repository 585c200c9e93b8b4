import {
  DEFAULT_FIT_OPTIONS,
  fitMatrixFactorization,
  identifyFactorSign,
  initialParameters,
  regularisationFor,
  type FitOptions,
  type MfParameters,
} from './matrix-factorization';
import { harassmentConsensus, type HarassmentConsensus } from './harassment-consensus';
import { incorrectPropensity } from './incorrect-filter';
import { fitLowDiligence, type LowDiligenceModel } from './low-diligence';
import { NoteStatus } from './note-status';
import {
  penalisedHelpfulness,
  helpfulnessCounts,
  type RaterHelpfulness,
} from './rater-helpfulness';
import { filterRatingsForTraining, ratingsKept } from './rating-filters';
import { buildRatingMatrix, raterSubMatrix, type RatingMatrix } from './rating-matrix';
import type { ScoringInput } from './scoring-input';
import { provisionalStatus } from './status-rules';
import { tagThresholds, weightedTags } from './tag-filter';

export interface PrescoringOptions {
  /** Seeds the initial factors of the first round. */
  readonly seed: number;
  /** `ScoringOptions.lowDiligenceInitSeed`. */
  readonly lowDiligenceInitSeed?: number;
  /** `ScoringOptions.lowDiligenceTorchSeed`. */
  readonly lowDiligenceTorchSeed?: number;
  readonly fit?: FitOptions;
  /** Called as each step finishes, so a caller can log progress or time the steps. */
  readonly onStepDone?: (step: PrescoringStep) => void;
}

export type PrescoringStep =
  | 'first-round'
  | 'helpfulness'
  | 'harassment-consensus'
  | 'final-round'
  | 'low-diligence'
  | 'tag-statistics';

/** Size and convergence of one fit, for logs and the benchmark. */
export interface RoundSummary {
  readonly ratings: number;
  readonly notes: number;
  readonly raters: number;
  readonly iterations: number;
  readonly loss: number;
  readonly trainMse: number;
}

export interface PrescoringResult {
  readonly firstRound: MfParameters;
  readonly firstRoundSummary: RoundSummary;
  /** §5.1 step 3, per note. */
  readonly provisionalStatus: Uint8Array;
  readonly helpfulness: RaterHelpfulness;
  /** §5.1 step 7: the fit on helpful raters; final scoring freezes its raters and μ. */
  readonly finalRound: MfParameters;
  readonly finalRoundSummary: RoundSummary;
  /** Final-round ratings ÷ notes: final scoring keeps this per-note regularisation (§4.2). */
  readonly ratingsPerNote: number;
  /**
   * §5.1 step 9 / §7.1: per not-helpful tag (index tag − FIRST_NOT_HELPFUL_TAG), the 95th
   * percentile of the distance-weighted tag ratio over notes the final round rates helpful.
   */
  readonly tagThresholds: Float64Array;
  /** §5.1 step 10 / §7.2: each participant's share of not-helpful-tagged ratings tagged Incorrect. */
  readonly incorrectPropensity: Float64Array;
  /** §5.1 step 6; undefined when the input has no tags. */
  readonly harassment: HarassmentConsensus | undefined;
  /** §5.1 step 8 / §7.3, fitted on the final-round ratings; undefined without tags. */
  readonly lowDiligence: LowDiligenceModel | undefined;
}

/**
 * §5.1 prescoring: round-one fit on the filtered ratings, provisional statuses, rater
 * helpfulness on valid ratings (recomputed with the harassment penalty when tags are known),
 * the final-round fit on helpful raters warm-started from round one, then the low-diligence
 * model on the final round's ratings. (The reference's group-13 stable initialisation (§4.4) only steers its Adam
 * optimiser towards a reproducible optimum; the exact alternating solver does not need it.)
 */
export function prescore(
  input: ScoringInput,
  numRatings: Int32Array,
  options: PrescoringOptions,
): PrescoringResult {
  const fitOptions = options.fit ?? DEFAULT_FIT_OPTIONS;
  const training = filterRatingsForTraining(input);
  const firstMatrix = buildRatingMatrix(input, training);
  const first = fitSubset(firstMatrix, initialParameters(firstMatrix, options.seed), fitOptions);
  options.onStepDone?.('first-round');

  const provisional = new Uint8Array(input.noteIds.length);
  for (let n = 0; n < provisional.length; n++) {
    provisional[n] = provisionalStatus({
      numRatings: numRatings[n],
      misleading: input.noteMisleading[n] === 1,
      intercept: first.parameters.noteIntercept[n],
      factor: first.parameters.noteFactor[n],
      interceptMax: NaN,
      previouslyHelpful: false,
    });
  }
  // The penalty of §5.1 step 6 changes only the threshold: the counts are made once.
  const counts = helpfulnessCounts(input, training, provisional, first.parameters.noteIntercept);
  let helpfulness = penalisedHelpfulness(counts);
  options.onStepDone?.('helpfulness');
  let harassment: HarassmentConsensus | undefined;
  if (input.tagsKnown) {
    harassment = harassmentConsensus(
      input,
      training,
      helpfulness.aboveHelpfulnessThreshold,
      first.parameters,
    );
    helpfulness = penalisedHelpfulness(counts, harassment.penalty);
    options.onStepDone?.('harassment-consensus');
  }

  const helpful = helpfulness.aboveHelpfulnessThreshold;
  const finalSelection = ratingsKept(input, undefined, helpful, training);
  // The same ratings as `finalSelection`, filtered from round one's layout without a re-sort.
  const finalMatrix = raterSubMatrix(firstMatrix, helpful);
  const final = fitSubset(finalMatrix, first.parameters, fitOptions);
  options.onStepDone?.('final-round');
  let lowDiligence: LowDiligenceModel | undefined;
  if (input.tagsKnown) {
    lowDiligence = fitLowDiligence(
      input,
      finalSelection,
      final.parameters.raterFactor,
      options.lowDiligenceInitSeed,
      options.lowDiligenceTorchSeed,
    );
    options.onStepDone?.('low-diligence');
  }

  const finalCrh = new Uint8Array(input.noteIds.length);
  for (let n = 0; n < finalCrh.length; n++) {
    const status = provisionalStatus({
      numRatings: numRatings[n],
      misleading: input.noteMisleading[n] === 1,
      intercept: final.parameters.noteIntercept[n],
      factor: final.parameters.noteFactor[n],
      interceptMax: NaN,
      previouslyHelpful: false,
    });
    finalCrh[n] = status === NoteStatus.CurrentlyRatedHelpful ? 1 : 0;
  }
  const tags = weightedTags(
    input,
    finalSelection,
    final.parameters.noteFactor,
    final.parameters.raterFactor,
  );
  const thresholds = tagThresholds(tags, finalCrh);
  const propensity = incorrectPropensity(input, training);
  options.onStepDone?.('tag-statistics');
  return {
    firstRound: first.parameters,
    firstRoundSummary: first.summary,
    provisionalStatus: provisional,
    helpfulness,
    finalRound: final.parameters,
    finalRoundSummary: final.summary,
    ratingsPerNote: finalMatrix.size / finalMatrix.activeNotes,
    tagThresholds: thresholds,
    incorrectPropensity: propensity,
    harassment,
    lowDiligence,
  };
}

/** One round's fit on `matrix` from `initial`, its factor sign identified; NaN for no ratings. */
export function fitSubset(
  matrix: RatingMatrix,
  initial: MfParameters,
  options: FitOptions,
): { parameters: MfParameters; summary: RoundSummary } {
  const summary = {
    ratings: matrix.size,
    notes: matrix.activeNotes,
    raters: matrix.activeRaters,
  };
  if (matrix.size === 0) {
    // Too little data for a model: every note stays unscored, hence NEEDS_MORE_RATINGS.
    return {
      parameters: {
        globalIntercept: 0,
        noteIntercept: new Float64Array(matrix.noteCount).fill(NaN),
        noteFactor: new Float64Array(matrix.noteCount).fill(NaN),
        raterIntercept: new Float64Array(matrix.raterCount).fill(NaN),
        raterFactor: new Float64Array(matrix.raterCount).fill(NaN),
      },
      summary: { ...summary, iterations: 0, loss: NaN, trainMse: NaN },
    };
  }
  const fit = fitMatrixFactorization(matrix, initial, regularisationFor(matrix), options);
  identifyFactorSign(fit.parameters);
  return {
    parameters: fit.parameters,
    summary: { ...summary, iterations: fit.iterations, loss: fit.loss, trainMse: fit.trainMse },
  };
}
