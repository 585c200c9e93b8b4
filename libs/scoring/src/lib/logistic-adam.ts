import { fastExp, fastLog1p } from './fast-math';
import type { LogisticParameters, LogisticRound, TagRatings } from './logistic-factorization';

// Bound once here: called through the import (a getter on the module object once compiled to
// CommonJS, as under tsx and Jest), the per-rating call went through a megamorphic property load
// and was not inlined, which cost about what fastExp saves over Math.exp (perf, issue 22). The
// worker's production bundle does not need it: webpack there bundles tsc's CommonJS, whose exports
// are plain data properties, and on tsc's output of this library the fit ran the same with and
// without the binding (28.0–28.9 ns per rating per epoch at 300k ratings), where under tsx it
// went from 34.5 to 50.0 without it. It matters for the benchmarks, the thread pool run from
// source, and the specs.
const exp = fastExp;
const log1p = fastLog1p;

/** The reference's reputation-model optimiser settings (§7.3). */
export interface AdamSchedule {
  readonly learningRate: number;
  /** Stop when the loss moved by less than this since the last check… */
  readonly convergence: number;
  /** …checked every this many epochs. */
  readonly checkEvery: number;
  /** At most this many epochs (the reference's `epoch <= numEpochs` loop runs one more step). */
  readonly maxEpochs: number;
}

export const DILIGENCE_ADAM: AdamSchedule = {
  learningRate: 0.2,
  convergence: 1e-5,
  checkEvery: 5,
  maxEpochs: 300,
};

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * One round of the reference's reputation matrix factorisation fitted as the reference fits it:
 * full-batch Adam on `mean(w·BCE) + ridge`, fresh optimiser state per round, the loss checked
 * every `checkEvery` epochs and the round stopped once it moved by less than `convergence`
 * (§7.3). Unlike the Newton fitter (`fitLogisticRound`) this stops where the reference stops,
 * short of the optimum: the low-diligence rule (threshold 0.263) is sensitive to how far the
 * intercepts have travelled from their start, so matching the reference's statuses needs its
 * trajectory, not the optimum. `round.ridge` is relative to the *sum* of the rating losses (as for
 * `fitLogisticRound`); it is divided by the rating count here to give the reference's mean form.
 * Returns the number of epochs.
 */
export function fitLogisticRoundAdam(
  data: TagRatings,
  p: LogisticParameters,
  round: LogisticRound,
  schedule: AdamSchedule = DILIGENCE_ADAM,
): number {
  // The epoch's gather and gradient passes read and add to per-rater arrays at random raters;
  // numbered densely over the raters with ratings (often half the participants), they are smaller.
  // Raters without ratings keep zero gradients, so Adam never moves them: the fit is bit for bit
  // the same as over every participant.
  const dense = denseRaters(data);
  const active = dense.active;
  const gather = (values: Float64Array): Float64Array => {
    const out = new Float64Array(active.length);
    for (let j = 0; j < active.length; j++) out[j] = values[active[j]];
    return out;
  };
  const q: LogisticParameters = {
    globalIntercept: p.globalIntercept,
    noteIntercept: p.noteIntercept,
    noteFactor: p.noteFactor,
    raterIntercept: gather(p.raterIntercept),
    raterFactor: gather(p.raterFactor),
    raterReputation: gather(p.raterReputation),
  };
  const epochs = fitDense(dense.data, q, round, schedule);
  p.globalIntercept = q.globalIntercept;
  for (let j = 0; j < active.length; j++) {
    const u = active[j];
    p.raterIntercept[u] = q.raterIntercept[j];
    p.raterFactor[u] = q.raterFactor[j];
    p.raterReputation[u] = q.raterReputation[j];
  }
  return epochs;
}

interface DenseRaters {
  /** The participants with ratings, ascending; `data` numbers them 0…active.length−1. */
  readonly active: Int32Array;
  readonly data: TagRatings;
}

/** Each layout's dense renumbering, made once (low diligence fits three rounds on one). */
const denseOf = new WeakMap<TagRatings, DenseRaters>();

function denseRaters(data: TagRatings): DenseRaters {
  let dense = denseOf.get(data);
  if (dense) return dense;
  const index = new Int32Array(data.raterCount).fill(-1);
  const active = new Int32Array(data.activeRaters);
  const raterStart = new Int32Array(data.activeRaters + 1);
  for (let u = 0, j = 0; u < data.raterCount; u++) {
    if (data.raterStart[u] === data.raterStart[u + 1]) continue;
    index[u] = j;
    active[j] = u;
    raterStart[j + 1] = data.raterStart[u + 1];
    j++;
  }
  const noteRater = data.noteRater.map((u) => index[u]);
  dense = { active, data: { ...data, raterCount: active.length, raterStart, noteRater } };
  denseOf.set(data, dense);
  return dense;
}

function fitDense(
  data: TagRatings,
  p: LogisticParameters,
  round: LogisticRound,
  schedule: AdamSchedule,
): number {
  const size = data.size;
  if (size === 0) return 0;
  const notes = data.noteCount;
  const raters = data.raterCount;
  // Parameter blocks in one vector: note intercept, note factor, rater intercept, rater factor,
  // reputation, μ. Frozen blocks keep zero gradients and are skipped by the update.
  const offsets = [0, notes, 2 * notes, 2 * notes + raters, 2 * notes + 2 * raters];
  const total = 2 * notes + 3 * raters + 1;
  const grad = new Float64Array(total);
  const m = new Float64Array(total);
  const v = new Float64Array(total);
  const inv = 1 / size;
  const r = round.ridge;
  // The ridge in mean form: λ·Σp²/R per parameter, over the rows the reference's embeddings have.
  const ridgeNi = r.noteIntercept * inv;
  const ridgeNf = r.noteFactor * inv;
  const ridgeRi = r.raterIntercept * inv;
  const ridgeRf = r.raterFactor * inv;
  const ridgeRep = r.raterReputation * inv;
  const ridgeMu = r.globalIntercept * inv;
  // Each rating's weight with the positive-class weight folded in, once per round.
  const w = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    w[k] = (round.weight ? round.weight[k] : 1) * (data.label[k] === 1 ? round.positiveWeight : 1);
  }
  const riFree = round.raterIntercept;
  const rfFree = round.raterFactor;
  const repFree = round.raterReputation;
  let priorLoss = NaN;
  let epoch = 0;
  // Locals for the hot loop: V8 does not hoist property loads out of it on its own.
  const noteStart = data.noteStart;
  const noteRater = data.noteRater;
  const label = data.label;
  const noteIntercept = p.noteIntercept;
  const noteFactor = p.noteFactor;
  const gRi = offsets[2];
  const gRf = offsets[3];
  const gRep = offsets[4];
  const gNfOffset = offsets[1];
  // Each rating's rater values, read in rating order. Looked up at random raters inside the
  // arithmetic, rater state outgrew the caches from about a million ratings on and every lookup
  // waited on memory behind the pass's long arithmetic (44 ns per rating per epoch at 300k
  // ratings, 49–74 at 3M). A loop that only gathers them, and one that only adds the gradients
  // back, keep many lookups in flight while the arithmetic streams. With every rater frozen
  // (final scoring's rounds) the values are gathered once, otherwise each epoch; the raters'
  // gradients are added in the same note-major order, so every sum is the same, bit for bit. At
  // 1M / 3M ratings the gathers take 14 / 16 % of the fit, the arithmetic 62 / 53 %, the gradients
  // 19 / 26 %. Measured and dropped (README figures): the lookups inside the one pass, passes over
  // cache-sized blocks of whole notes, and the three rater values interleaved per rater (20–40 %
  // slower at 3M ratings: each pass then looks up at random in all three blocks, not one or two).
  const raterFree = riFree || rfFree || repFree;
  const raterValues = ratingRaters(size, raterFree);
  // Every block is gathered once; after that, each epoch only the free ones. The gathers were
  // 12 % of the whole pipeline's CPU at 1M ratings (--cpu-prof, README), and round one freezes
  // reputations, round three factors and reputations: about 30 % fewer values copied.
  const all = { intercept: true, factor: true, reputation: true };
  const free = { intercept: riFree, factor: rfFree, reputation: repFree };
  gatherRaters(data, p, raterValues, all);
  const { intercept, reputation, factor, dz: ratingDz } = raterValues;
  for (; epoch <= schedule.maxEpochs; epoch++) {
    // The loss is only looked at on check epochs; other epochs need just the gradient.
    const check = epoch % schedule.checkEvery === 0;
    grad.fill(0);
    if (raterFree && epoch > 0) gatherRaters(data, p, raterValues, free);
    let loss = 0;
    let gMu = 0;
    const mu = p.globalIntercept;
    for (let n = 0; n < notes; n++) {
      const start = noteStart[n];
      const end = noteStart[n + 1];
      if (start === end) continue;
      const ni = noteIntercept[n];
      const nf = noteFactor[n];
      let gNi = 0;
      let gNf = 0;
      for (let k = start; k < end; k++) {
        const rep = reputation[k];
        const rf = factor[k];
        const z = mu + intercept[k] + rep * ni + rf * nf;
        const y = label[k];
        // In float64 1/(1 + e^−z) is exact enough at any z (e^−z overflows to ∞, giving 0).
        // fastExp, not Math.exp: the exponential was most of this loop's cost (fast-math.ts).
        const e = exp(-z);
        const dz = w[k] * (1 / (1 + e) - y) * inv;
        if (check) loss += w[k] * logitLoss(z, e, y);
        gNi += dz * rep;
        gNf += dz * rf;
        gMu += dz;
        // Read back only by the raters' gradient pass (the test is the same every rating).
        if (raterFree) ratingDz[k] = dz;
      }
      grad[n] = gNi;
      grad[gNfOffset + n] = gNf;
    }
    if (raterFree) {
      for (let n = 0; n < notes; n++) {
        const ni = noteIntercept[n];
        const nf = noteFactor[n];
        // A local end: re-reading noteStart[n + 1] every rating (a load and a bounds check) made
        // this pass about 10 % slower, the fit about 8 % at 1M ratings and 2 % at 3M (2026-12-05).
        const end = noteStart[n + 1];
        for (let k = noteStart[n]; k < end; k++) {
          const u = noteRater[k];
          const dz = ratingDz[k];
          // Frozen blocks' gradients are never read (the update skips them), so they are not
          // summed: round one freezes reputations, round three factors.
          if (riFree) grad[gRi + u] += dz;
          if (rfFree) grad[gRf + u] += dz * nf;
          if (repFree) grad[gRep + u] += dz * ni;
        }
      }
    }
    loss *= inv;
    grad[total - 1] = gMu;
    loss += ridgeTerm(p.noteIntercept, ridgeNi, grad, 0, data.noteStart);
    loss += ridgeTerm(p.noteFactor, ridgeNf, grad, offsets[1], data.noteStart);
    loss += ridgeTerm(p.raterIntercept, ridgeRi, grad, offsets[2], data.raterStart);
    loss += ridgeTerm(p.raterFactor, ridgeRf, grad, offsets[3], data.raterStart);
    loss += ridgeTerm(p.raterReputation, ridgeRep, grad, offsets[4], data.raterStart);
    loss += ridgeMu * p.globalIntercept * p.globalIntercept;
    grad[total - 1] += 2 * ridgeMu * p.globalIntercept;

    if (check) {
      if (Math.abs(priorLoss - loss) < schedule.convergence) break;
      priorLoss = loss;
    }
    const step = epoch + 1;
    const lr =
      (schedule.learningRate * Math.sqrt(1 - Math.pow(BETA2, step))) / (1 - Math.pow(BETA1, step));
    const eps = EPSILON * Math.sqrt(1 - Math.pow(BETA2, step));
    const state = { grad, m, v, lr, eps };
    if (round.noteIntercept) adamStep(state, p.noteIntercept, 0);
    if (round.noteFactor) adamStep(state, p.noteFactor, offsets[1]);
    if (round.raterIntercept) adamStep(state, p.raterIntercept, offsets[2]);
    if (round.raterFactor) adamStep(state, p.raterFactor, offsets[3]);
    if (round.raterReputation) adamStep(state, p.raterReputation, offsets[4]);
    if (round.globalIntercept) {
      const i = total - 1;
      const g = grad[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * g;
      v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
      p.globalIntercept -=
        (lr * m[i]) / (Math.sqrt(v[i]) + EPSILON * Math.sqrt(1 - Math.pow(BETA2, step)));
    }
  }
  return epoch;
}

interface RatingRaters {
  /** Per rating in note-major order: its rater's intercept, reputation and factor… */
  readonly intercept: Float64Array;
  readonly reputation: Float64Array;
  readonly factor: Float64Array;
  /**
   * …and this epoch's derivative of its weighted loss in the logit (over the rating count), kept
   * for the raters' gradients: empty when every rater is frozen, as no pass reads it then.
   */
  readonly dz: Float64Array;
}

function ratingRaters(size: number, raterFree: boolean): RatingRaters {
  return {
    intercept: new Float64Array(size),
    reputation: new Float64Array(size),
    factor: new Float64Array(size),
    dz: new Float64Array(raterFree ? size : 0),
  };
}

interface RaterBlocks {
  readonly intercept: boolean;
  readonly factor: boolean;
  readonly reputation: boolean;
}

/** Copies the chosen blocks' rater values to every rating: all three in one pass, or each alone. */
function gatherRaters(
  data: TagRatings,
  p: LogisticParameters,
  out: RatingRaters,
  blocks: RaterBlocks,
): void {
  const { noteRater } = data;
  if (blocks.intercept && blocks.factor && blocks.reputation) {
    const { raterIntercept, raterReputation, raterFactor } = p;
    const { intercept, reputation, factor } = out;
    for (let k = 0; k < data.size; k++) {
      const u = noteRater[k];
      intercept[k] = raterIntercept[u];
      reputation[k] = raterReputation[u];
      factor[k] = raterFactor[u];
    }
    return;
  }
  if (blocks.intercept) gatherBlock(noteRater, p.raterIntercept, out.intercept);
  if (blocks.factor) gatherBlock(noteRater, p.raterFactor, out.factor);
  if (blocks.reputation) gatherBlock(noteRater, p.raterReputation, out.reputation);
}

function gatherBlock(noteRater: Int32Array, values: Float64Array, out: Float64Array): void {
  for (let k = 0; k < out.length; k++) out[k] = values[noteRater[k]];
}

interface AdamState {
  readonly grad: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** This step's bias-corrected learning rate and ε. */
  readonly lr: number;
  readonly eps: number;
}

/** One Adam step on the block of `values`, whose gradients start at `offset`. */
function adamStep(state: AdamState, values: Float64Array, offset: number): void {
  const { grad, m, v, lr, eps } = state;
  for (let j = 0; j < values.length; j++) {
    const i = offset + j;
    const g = grad[i];
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    values[j] -= (lr * m[i]) / (Math.sqrt(v[i]) + eps);
  }
}

/** λ·Σp² over the rows that have ratings (the reference's embedding rows), adding its gradient. */
function ridgeTerm(
  values: Float64Array,
  ridge: number,
  grad: Float64Array,
  offset: number,
  start: Int32Array,
): number {
  if (ridge === 0) return 0;
  let sum = 0;
  for (let j = 0; j < values.length; j++) {
    if (start[j] === start[j + 1]) continue;
    sum += values[j] * values[j];
    grad[offset + j] += 2 * ridge * values[j];
  }
  return ridge * sum;
}

/**
 * BCE-with-logits at logit `z` with `e` = e^−z, stable form: log(1 + e^−|z|) + max(z, 0) − y·z;
 * for z ≥ 0, e^−|z| is the e^−z the gradient already computed (the same argument, so the same
 * bits).
 */
function logitLoss(z: number, e: number, y: number): number {
  return log1p(z >= 0 ? e : exp(z)) + (z > 0 ? z : 0) - y * z;
}
