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
  type LogisticParameters,
  type LogisticRound,
  type TagRatings,
} from './logistic-factorization';
import { RatingTag, tagMask } from './rating-tags';
import { fitLogisticRoundAdam } from './logistic-adam';
import { Random } from './random';
import { TorchGenerator } from './torch-random';
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
 * Round three's rating weights, computed as the reference's weighted loss computes them, in its
 * order: the positive-class weight first (`pos_weight` × the round's multiplier, 500, for label
 * 1, else 1), times the reputation factor `(α + √max(ρ_u, 0)) / (1 + α)`, times the note's total
 * weight so far (the ×500 weights included) to the power −0.5. The loss is the plain mean of
 * w·BCE, so the weights are not normalised: notes with many positive labels weigh less than
 * their rating count suggests, and the ridge pulls every intercept harder than in rounds one and
 * two. The positive-class weight is inside w, so the round runs with `positiveWeight` 1.
 */
function thirdRoundWeights(data: TagRatings, reputation: Float64Array): Float64Array {
  const weight = new Float64Array(data.size);
  const positive = LOW_DILIGENCE_POSITIVE_WEIGHT * LOW_DILIGENCE_THIRD_ROUND_POSITIVE_MULTIPLIER;
  const alpha = LOW_DILIGENCE_REPUTATION_ALPHA;
  for (let n = 0; n < data.noteCount; n++) {
    const start = data.noteStart[n];
    const end = data.noteStart[n + 1];
    let noteTotal = 0;
    for (let k = start; k < end; k++) {
      const rep = Math.max(0, reputation[data.noteRater[k]]);
      const repFactor = (alpha + Math.pow(rep, LOW_DILIGENCE_REPUTATION_EXPONENT)) / (1 + alpha);
      weight[k] = (data.label[k] === 1 ? positive : 1) * repFactor;
      noteTotal += weight[k];
    }
    if (noteTotal <= 0) continue;
    const noteNorm = Math.pow(noteTotal, LOW_DILIGENCE_THIRD_ROUND_NOTE_NORM_EXPONENT);
    for (let k = start; k < end; k++) weight[k] *= noteNorm;
  }
  return weight;
}

/**
 * §7.3 prescoring on the final-round ratings: (1) fit with every reputation frozen at 1,
 * (2) learn reputations (and everything else) with the note intercepts frozen, (3) refit the
 * intercepts with factors and reputations frozen, reputation- and note-weighted, positive labels
 * weighted ×5 more (`thirdRoundWeights`). Rater factors start from the Core final round's (the
 * only state the reference hands the model); note factors, intercepts and μ start at zero, or,
 * with `initSeed`, the note factors and intercepts and the rater intercepts at N(0, 1) draws as
 * the reference's do (`ScoringOptions.lowDiligenceInitSeed`), or, with `torchSeed`, at the very
 * draws torch gives them after `torch.manual_seed(torchSeed)` (`lowDiligenceTorchStart`,
 * `ScoringOptions.lowDiligenceTorchSeed`). Every round is fitted with the reference's optimiser
 * and stopping rule (`fitLogisticRoundAdam`).
 */
export function fitLowDiligence(
  input: ScoringInput,
  selection: Int32Array,
  coreRaterFactor: Float64Array,
  initSeed?: number,
  torchSeed?: number,
): LowDiligenceModel {
  const data = buildTagRatings(input, selection, labels(input, selection));
  const finite = (values: Float64Array): Float64Array =>
    values.map((v) => (Number.isNaN(v) ? 0 : v));
  const p: LogisticParameters = {
    globalIntercept: 0,
    noteIntercept: new Float64Array(data.noteCount),
    // The reference hands the model only the raters' factors; its other embeddings keep torch's
    // N(0, 1) draws. Replayed (`lowDiligenceTorchStart`) they bring its intercepts within p50
    // 0.0005 of ours on cn-small, but only when both Core final rounds hold the same raters and
    // notes: one rater more shifts every draw, and misplaced draws, like our own N(0, 1) draws,
    // double or quadruple the differences (p50 0.05 → 0.11–0.20). So by default everything else
    // starts at 0.
    noteFactor: new Float64Array(data.noteCount),
    raterIntercept: new Float64Array(data.raterCount),
    raterFactor: finite(coreRaterFactor),
    raterReputation: new Float64Array(data.raterCount).fill(1),
  };
  const torchStart =
    torchSeed === undefined ? undefined : lowDiligenceTorchStart(input, data, torchSeed);
  if (torchStart) {
    p.noteFactor.set(torchStart.noteFactor);
    p.noteIntercept.set(torchStart.noteIntercept);
    p.raterIntercept.set(torchStart.raterIntercept);
  } else if (initSeed !== undefined) {
    const random = new Random(initSeed);
    for (const values of [p.noteFactor, p.noteIntercept, p.raterIntercept]) {
      for (let i = 0; i < values.length; i++) values[i] = random.normal();
    }
  }
  const scale = {
    perNote: data.activeNotes > 0 ? data.size / data.activeNotes : 0,
    perRater: data.activeRaters > 0 ? data.size / data.activeRaters : 0,
  };
  const sweeps: number[] = [];
  sweeps.push(
    fitLogisticRoundAdam(data, p, {
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
    fitLogisticRoundAdam(data, p, {
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
    fitLogisticRoundAdam(data, p, {
      ...FROZEN,
      noteIntercept: true,
      raterIntercept: true,
      globalIntercept: true,
      positiveWeight: 1,
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
 * The indexes of the ids that `active` keeps, in the order of the reference's `build_dataset`
 * (`drop_duplicates().sort_values()`): note ids are int64 there, so ids that are all decimal
 * integers sort by value; other ids (participant ids, strings there) by code unit, the input's
 * order.
 */
export function referenceIdOrder(ids: readonly string[], active: (i: number) => boolean): number[] {
  const order: number[] = [];
  for (let i = 0; i < ids.length; i++) if (active(i)) order.push(i);
  if (order.every((i) => /^[0-9]+$/.test(ids[i]))) {
    const value = (i: number): bigint => BigInt(ids[i]);
    order.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return order;
}

/** The starting values `ScoringOptions.lowDiligenceTorchSeed` gives, by note and by rater. */
export interface TorchStart {
  readonly noteFactor: Float64Array;
  readonly noteIntercept: Float64Array;
  readonly raterIntercept: Float64Array;
}

/**
 * Where the reference's `ReputationMFModel` starts after the Core final round, replaying torch's
 * generator (`TorchGenerator`): the final round's `BiasedMatrixFactorization` calls
 * `torch.manual_seed(seed)` after creating its embeddings and then draws xavier-uniform rater
 * factors (one output per final-round rater) and note factors (one per note); the diligence
 * model, built on the same ratings, then creates five `nn.Embedding`s, each filled by
 * `normal_()`: note factors (kept), rater factors (replaced by the Core final round's), note
 * intercepts (kept), rater intercepts (kept) and reputations (replaced by 1), indexed by sorted
 * note and rater ids (`referenceIdOrder`). Notes and raters without ratings get 0. Undefined
 * with fewer than 16 notes or raters: torch then takes another path for its normals, not
 * replayed.
 */
export function lowDiligenceTorchStart(
  input: ScoringInput,
  data: TagRatings,
  seed: number,
): TorchStart | undefined {
  const notes = data.activeNotes;
  const raters = data.activeRaters;
  if (notes < 16 || raters < 16) return undefined;
  const generator = new TorchGenerator(seed);
  generator.skipUniform(raters);
  generator.skipUniform(notes);
  const noteFactorDraws = generator.normal(notes);
  generator.skipNormal(raters);
  const noteInterceptDraws = generator.normal(notes);
  const raterInterceptDraws = generator.normal(raters);
  const start = {
    noteFactor: new Float64Array(data.noteCount),
    noteIntercept: new Float64Array(data.noteCount),
    raterIntercept: new Float64Array(data.raterCount),
  };
  const noteOrder = referenceIdOrder(
    input.noteIds,
    (n) => data.noteStart[n + 1] > data.noteStart[n],
  );
  noteOrder.forEach((n, k) => {
    start.noteFactor[n] = noteFactorDraws[k];
    start.noteIntercept[n] = noteInterceptDraws[k];
  });
  const raterOrder = referenceIdOrder(
    input.participantIds,
    (u) => data.raterStart[u + 1] > data.raterStart[u],
  );
  raterOrder.forEach((u, k) => {
    start.raterIntercept[u] = raterInterceptDraws[k];
  });
  return start;
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
  fitLogisticRoundAdam(data, p, {
    ...FROZEN,
    noteFactor: true,
    positiveWeight: LOW_DILIGENCE_POSITIVE_WEIGHT,
    ridge: ridge(scale),
  });
  fitLogisticRoundAdam(
    data,
    { ...p, globalIntercept: model.globalIntercept, raterIntercept: model.raterIntercept },
    {
      ...FROZEN,
      noteIntercept: true,
      positiveWeight: 1,
      weight: thirdRoundWeights(data, model.raterReputation),
      ridge: ridge(scale),
    },
  );
  for (let n = 0; n < data.noteCount; n++) {
    if (data.noteStart[n] === data.noteStart[n + 1]) noteIntercept[n] = NaN;
  }
  return noteIntercept;
}
