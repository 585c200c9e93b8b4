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
  // Raters are numbered densely over those with ratings (often half the participants), so their
  // state is smaller. Raters without ratings keep zero gradients, so Adam never moves them: the
  // fit is bit for bit the same as over every participant.
  const dense = denseRaters(data);
  const active = dense.active;
  const raters = new Float64Array(RATER_STRIDE * active.length);
  for (let j = 0; j < active.length; j++) {
    const u = active[j];
    raters[RATER_STRIDE * j + INTERCEPT] = p.raterIntercept[u];
    raters[RATER_STRIDE * j + REPUTATION] = p.raterReputation[u];
    raters[RATER_STRIDE * j + FACTOR] = p.raterFactor[u];
  }
  const epochs = fitDense(dense.data, p, raters, round, schedule);
  for (let j = 0; j < active.length; j++) {
    const u = active[j];
    p.raterIntercept[u] = raters[RATER_STRIDE * j + INTERCEPT];
    p.raterReputation[u] = raters[RATER_STRIDE * j + REPUTATION];
    p.raterFactor[u] = raters[RATER_STRIDE * j + FACTOR];
  }
  return epochs;
}

// Each dense rater's values sit together in one array, RATER_STRIDE apart, and its gradients
// and Adam moments in arrays of the same layout, so the epoch's pass over the ratings touches one
// cache line of values and one of gradients per rating where three separate per-rater arrays
// touched three of each. That pass reads a rater's values and adds to its gradients in place.
// This fit used to gather the values into per-rating arrays in a pass of their own and add the
// gradients back in another (so that many random lookups were in flight at once, when they went
// to three arrays each); with one line per rater those passes only added streamed memory (about
// 100 bytes per rating per epoch). Alternated in one process at 1M ratings (load 3.4–9.8), CPU ns
// per rating per epoch: the separate passes over separate arrays 29.8–38.0; over this layout
// 32.9–35.2; one pass over this layout 22.6–25.9 (issue 22). Stride 4 (a slot unused), not 3, so
// that a rater's values never straddle two cache lines when the buffer is 32-byte aligned; values
// and gradients in one 64-byte record measured 28.3–30.6, numbering raters by activity (hot ones
// sharing lines) no better than by id. Every rater's gradients are still summed in note-major
// rating order and Adam's arithmetic is per value, so the fit is the same, bit for bit.
const RATER_STRIDE = 4;
const INTERCEPT = 0;
const REPUTATION = 1;
const FACTOR = 2;

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

/**
 * Fits `p`'s notes and μ, and the raters' values in `raters` (`RATER_STRIDE` per dense rater),
 * in place; returns the number of epochs.
 */
function fitDense(
  data: TagRatings,
  p: LogisticParameters,
  raters: Float64Array,
  round: LogisticRound,
  schedule: AdamSchedule,
): number {
  const size = data.size;
  if (size === 0) return 0;
  const notes = data.noteCount;
  const raterCount = data.raterCount;
  // Notes' gradients in one vector: note intercept, note factor, μ; the raters' beside their
  // values' layout. Frozen blocks keep zero gradients and are skipped by the update.
  const total = 2 * notes + 1;
  const grad = new Float64Array(total);
  const m = new Float64Array(total);
  const v = new Float64Array(total);
  const raterGrad = new Float64Array(raters.length);
  const raterM = new Float64Array(raters.length);
  const raterV = new Float64Array(raters.length);
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
  const raterFree = riFree || rfFree || repFree;
  let priorLoss = NaN;
  let epoch = 0;
  // Locals for the hot loop: V8 does not hoist property loads out of it on its own.
  const noteStart = data.noteStart;
  const noteRater = data.noteRater;
  const label = data.label;
  const noteIntercept = p.noteIntercept;
  const noteFactor = p.noteFactor;
  const gNfOffset = notes;
  for (; epoch <= schedule.maxEpochs; epoch++) {
    // The loss is only looked at on check epochs; other epochs need just the gradient.
    const check = epoch % schedule.checkEvery === 0;
    grad.fill(0);
    if (raterFree) raterGrad.fill(0);
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
        const at = RATER_STRIDE * noteRater[k];
        const rep = raters[at + REPUTATION];
        const rf = raters[at + FACTOR];
        const z = mu + raters[at + INTERCEPT] + rep * ni + rf * nf;
        const y = label[k];
        // In float64 1/(1 + e^−z) is exact enough at any z (e^−z overflows to ∞, giving 0).
        // fastExp, not Math.exp: the exponential was most of this loop's cost (fast-math.ts).
        const e = exp(-z);
        const dz = w[k] * (1 / (1 + e) - y) * inv;
        if (check) loss += w[k] * logitLoss(z, e, y);
        gNi += dz * rep;
        gNf += dz * rf;
        gMu += dz;
        // Frozen blocks' gradients are never read (the update skips them), so they are not
        // summed: round one freezes reputations, round three factors, final scoring every rater.
        if (riFree) raterGrad[at + INTERCEPT] += dz;
        if (rfFree) raterGrad[at + FACTOR] += dz * nf;
        if (repFree) raterGrad[at + REPUTATION] += dz * ni;
      }
      grad[n] = gNi;
      grad[gNfOffset + n] = gNf;
    }
    loss *= inv;
    grad[total - 1] = gMu;
    loss += ridgeTerm(noteIntercept, 0, 1, ridgeNi, grad, 0, data.noteStart);
    loss += ridgeTerm(noteFactor, 0, 1, ridgeNf, grad, gNfOffset, data.noteStart);
    const rs = RATER_STRIDE;
    loss += ridgeTerm(raters, INTERCEPT, rs, ridgeRi, raterGrad, INTERCEPT, data.raterStart);
    loss += ridgeTerm(raters, FACTOR, rs, ridgeRf, raterGrad, FACTOR, data.raterStart);
    loss += ridgeTerm(raters, REPUTATION, rs, ridgeRep, raterGrad, REPUTATION, data.raterStart);
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
    const noteState = { grad, m, v, lr, eps };
    if (round.noteIntercept) adamStep(noteState, noteIntercept, 0, 1, notes, 0);
    if (round.noteFactor) adamStep(noteState, noteFactor, 0, 1, notes, gNfOffset);
    const raterState = { grad: raterGrad, m: raterM, v: raterV, lr, eps };
    if (riFree) adamStep(raterState, raters, INTERCEPT, rs, raterCount, INTERCEPT);
    if (rfFree) adamStep(raterState, raters, FACTOR, rs, raterCount, FACTOR);
    if (repFree) adamStep(raterState, raters, REPUTATION, rs, raterCount, REPUTATION);
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

interface AdamState {
  readonly grad: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** This step's bias-corrected learning rate and ε. */
  readonly lr: number;
  readonly eps: number;
}

/**
 * One Adam step on `count` values of `values` from `first`, `stride` apart, whose gradients (and
 * moments) are at the same stride from `offset`.
 */
function adamStep(
  state: AdamState,
  values: Float64Array,
  first: number,
  stride: number,
  count: number,
  offset: number,
): void {
  const { grad, m, v, lr, eps } = state;
  for (let j = 0; j < count; j++) {
    const i = offset + stride * j;
    const g = grad[i];
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    values[first + stride * j] -= (lr * m[i]) / (Math.sqrt(v[i]) + eps);
  }
}

/**
 * λ·Σp² over the rows that have ratings (the reference's embedding rows), adding its gradient:
 * row j's value is `values[first + stride·j]`, its gradient `grad[offset + stride·j]`.
 */
function ridgeTerm(
  values: Float64Array,
  first: number,
  stride: number,
  ridge: number,
  grad: Float64Array,
  offset: number,
  start: Int32Array,
): number {
  if (ridge === 0) return 0;
  let sum = 0;
  for (let j = 0; j < start.length - 1; j++) {
    if (start[j] === start[j + 1]) continue;
    const value = values[first + stride * j];
    sum += value * value;
    grad[offset + stride * j] += 2 * ridge * value;
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
