import {
  LOW_DILIGENCE_LAMBDA,
  LOW_DILIGENCE_POSITIVE_WEIGHT,
  LOW_DILIGENCE_RATER_INTERCEPT_MULTIPLIER,
  LOW_DILIGENCE_REPUTATION_ALPHA,
  LOW_DILIGENCE_REPUTATION_EXPONENT,
  LOW_DILIGENCE_REPUTATION_MULTIPLIER,
  LOW_DILIGENCE_THIRD_ROUND_NOTE_NORM_EXPONENT,
  LOW_DILIGENCE_THIRD_ROUND_POSITIVE_MULTIPLIER,
} from './constants';
import {
  buildTagRatings,
  fitLogisticRound,
  type LogisticParameters,
  type LogisticRound,
  type TagRatings,
} from './logistic-factorization';
import { RatingTag, tagMask } from './rating-tags';
import type { ScoringInput } from './scoring-input';

/** §7.3: the tags whose presence is the model's positive label. */
const DILIGENCE_TAGS = tagMask(
  RatingTag.NotHelpfulIncorrect,
  RatingTag.NotHelpfulSourcesMissingOrUnreliable,
  RatingTag.NotHelpfulIrrelevantSources,
);

/** What prescoring's three rounds leave for final scoring (§5.1 step 8–9). */
export interface LowDiligenceModel {
  /** μ after round two (final scoring's factor round) and round three (its intercept round). */
  readonly globalInterceptSecondRound: number;
  readonly globalIntercept: number;
  readonly raterInterceptSecondRound: Float64Array;
  readonly raterIntercept: Float64Array;
  readonly raterFactor: Float64Array;
  /** Learnt in round two; 0 for raters prescoring did not see. */
  readonly raterReputation: Float64Array;
  readonly noteInterceptSecondRound: Float64Array;
  readonly noteFactor: Float64Array;
  /** Prescoring's ratings per note, which final scoring's note regulariser keeps (§4.2). */
  readonly ratingsPerNote: number;
  readonly sweeps: readonly number[];
}

function labels(input: ScoringInput, selection: Int32Array): Uint8Array {
  const label = new Uint8Array(selection.length);
  for (let k = 0; k < selection.length; k++) {
    label[k] = input.ratingTags[selection[k]] & DILIGENCE_TAGS ? 1 : 0;
  }
  return label;
}

interface RidgeScale {
  readonly perNote: number;
  readonly perRater: number;
}

function ridge(scale: RidgeScale): LogisticRound['ridge'] {
  return {
    noteIntercept: LOW_DILIGENCE_LAMBDA * scale.perNote,
    noteFactor: LOW_DILIGENCE_LAMBDA * scale.perNote,
    raterIntercept:
      LOW_DILIGENCE_LAMBDA * LOW_DILIGENCE_RATER_INTERCEPT_MULTIPLIER * scale.perRater,
    raterFactor: LOW_DILIGENCE_LAMBDA * scale.perRater,
    raterReputation: LOW_DILIGENCE_LAMBDA * LOW_DILIGENCE_REPUTATION_MULTIPLIER * scale.perRater,
    globalIntercept: 0,
  };
}

const FROZEN = {
  noteIntercept: false,
  noteFactor: false,
  raterIntercept: false,
  raterFactor: false,
  raterReputation: false,
  globalIntercept: false,
};

/**
 * Round three's rating weights: reputation^0.5 (negative reputations count as 0) blended with
 * α so that no rating is ignored outright, times the note's rating count^−0.5 so that heavily
 * rated notes do not dominate; normalised to mean 1 so the ridge keeps its strength. (The
 * positive-label weight is applied on top, unnormalised, like BCE-with-logits' `pos_weight`.)
 */
function thirdRoundWeights(data: TagRatings, reputation: Float64Array): Float64Array {
  const weight = new Float64Array(data.size);
  let total = 0;
  for (let n = 0; n < data.noteCount; n++) {
    const start = data.noteStart[n];
    const end = data.noteStart[n + 1];
    const noteNorm = Math.pow(end - start, LOW_DILIGENCE_THIRD_ROUND_NOTE_NORM_EXPONENT);
    for (let k = start; k < end; k++) {
      const rep = Math.max(0, reputation[data.noteRater[k]]);
      const repWeight =
        LOW_DILIGENCE_REPUTATION_ALPHA +
        (1 - LOW_DILIGENCE_REPUTATION_ALPHA) * Math.pow(rep, LOW_DILIGENCE_REPUTATION_EXPONENT);
      weight[k] = noteNorm * repWeight;
      total += weight[k];
    }
  }
  const scale = data.size > 0 ? data.size / total : 1;
  for (let k = 0; k < weight.length; k++) weight[k] *= scale;
  return weight;
}

/**
 * §7.3 prescoring on the final-round ratings: (1) fit with every reputation frozen at 1,
 * (2) learn reputations (and everything else) with the note intercepts frozen, (3) refit the
 * intercepts with factors and reputations frozen, reputation- and note-weighted, positive labels
 * weighted ×5 more. Factors start from the Core final round's, intercepts at zero.
 */
export function fitLowDiligence(
  input: ScoringInput,
  selection: Int32Array,
  coreNoteFactor: Float64Array,
  coreRaterFactor: Float64Array,
): LowDiligenceModel {
  const data = buildTagRatings(input, selection, labels(input, selection));
  const finite = (values: Float64Array): Float64Array =>
    values.map((v) => (Number.isNaN(v) ? 0 : v));
  const p: LogisticParameters = {
    globalIntercept: 0,
    noteIntercept: new Float64Array(data.noteCount),
    noteFactor: finite(coreNoteFactor),
    raterIntercept: new Float64Array(data.raterCount),
    raterFactor: finite(coreRaterFactor),
    raterReputation: new Float64Array(data.raterCount).fill(1),
  };
  const scale = {
    perNote: data.activeNotes > 0 ? data.size / data.activeNotes : 0,
    perRater: data.activeRaters > 0 ? data.size / data.activeRaters : 0,
  };
  const sweeps: number[] = [];
  sweeps.push(
    fitLogisticRound(data, p, {
      ...FROZEN,
      noteIntercept: true,
      noteFactor: true,
      raterIntercept: true,
      raterFactor: true,
      globalIntercept: true,
      positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT,
      ridge: ridge(scale),
    }),
  );
  sweeps.push(
    fitLogisticRound(data, p, {
      ...FROZEN,
      noteFactor: true,
      raterIntercept: true,
      raterFactor: true,
      raterReputation: true,
      globalIntercept: true,
      positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT,
      ridge: ridge(scale),
    }),
  );
  const globalInterceptSecondRound = p.globalIntercept;
  const noteInterceptSecondRound = p.noteIntercept.slice();
  const raterInterceptSecondRound = p.raterIntercept.slice();
  sweeps.push(
    fitLogisticRound(data, p, {
      ...FROZEN,
      noteIntercept: true,
      raterIntercept: true,
      globalIntercept: true,
      positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT * LOW_DILIGENCE_THIRD_ROUND_POSITIVE_MULTIPLIER,
      weight: thirdRoundWeights(data, p.raterReputation),
      ridge: ridge(scale),
    }),
  );
  const reputation = p.raterReputation;
  for (let u = 0; u < data.raterCount; u++) {
    if (data.raterStart[u] === data.raterStart[u + 1]) reputation[u] = 0;
  }
  return {
    globalInterceptSecondRound,
    globalIntercept: p.globalIntercept,
    raterInterceptSecondRound,
    raterIntercept: p.raterIntercept,
    raterFactor: p.raterFactor,
    raterReputation: reputation,
    noteInterceptSecondRound,
    noteFactor: p.noteFactor,
    ratingsPerNote: scale.perNote,
    sweeps,
  };
}

/**
 * §5.2 / §7.3 final scoring: with raters and μ frozen at prescoring's values, each note's factor
 * is refitted (round two's loss, from its round-two intercept), then its intercept (round
 * three's weighted loss). Notes are independent here; NaN for notes without ratings.
 */
export function lowDiligenceIntercepts(
  input: ScoringInput,
  selection: Int32Array,
  model: LowDiligenceModel,
): Float64Array {
  const data = buildTagRatings(input, selection, labels(input, selection));
  const noteIntercept = model.noteInterceptSecondRound.slice();
  const noteFactor = model.noteFactor.slice();
  const p: LogisticParameters = {
    globalIntercept: model.globalInterceptSecondRound,
    noteIntercept,
    noteFactor,
    raterIntercept: model.raterInterceptSecondRound,
    raterFactor: model.raterFactor,
    raterReputation: model.raterReputation,
  };
  const scale = { perNote: model.ratingsPerNote, perRater: 0 };
  fitLogisticRound(data, p, {
    ...FROZEN,
    noteFactor: true,
    positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT,
    ridge: ridge(scale),
  });
  fitLogisticRound(
    data,
    { ...p, globalIntercept: model.globalIntercept, raterIntercept: model.raterIntercept },
    {
      ...FROZEN,
      noteIntercept: true,
      positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT * LOW_DILIGENCE_THIRD_ROUND_POSITIVE_MULTIPLIER,
      weight: thirdRoundWeights(data, model.raterReputation),
      ridge: ridge(scale),
    },
  );
  for (let n = 0; n < data.noteCount; n++) {
    if (data.noteStart[n] === data.noteStart[n + 1]) noteIntercept[n] = NaN;
  }
  return noteIntercept;
}
