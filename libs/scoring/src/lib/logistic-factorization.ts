import { fastSigmoid } from './fast-math';
import { countingSort, type ScoringInput } from './scoring-input';

// Bound once (see logistic-adam.ts): called through the import, the per-rating call was not
// inlined.
const sigmoid = fastSigmoid;

/**
 * The binary tag models of §5.1 step 6 (harassment/abuse consensus) and §7.3 (low diligence):
 * a one-factor factorisation of a 0/1 label per rating with the logit
 * `z = μ + i_u + ρ_u·i_n + f_u·f_n` (ρ_u the rater's reputation, fixed at 1 outside the
 * diligence model) and a weighted binary cross-entropy with a weight on positive labels
 * (BCE-with-logits `pos_weight`).
 */
export interface TagRatings {
  readonly noteCount: number;
  readonly raterCount: number;
  readonly size: number;
  readonly activeNotes: number;
  readonly activeRaters: number;
  /** Note-major layout: ratings of note n are positions noteStart[n]…noteStart[n+1]−1. */
  readonly noteStart: Int32Array;
  readonly noteRater: Int32Array;
  readonly label: Uint8Array;
  /** Rater-major layout; `raterPosition[k]` is the note-major position of the k-th entry. */
  readonly raterStart: Int32Array;
  readonly raterNote: Int32Array;
  readonly raterPosition: Int32Array;
}

/** Lays out the ratings of `selection` (ascending) with one 0/1 label each (`label[k]`). */
export function buildTagRatings(
  input: ScoringInput,
  selection: Int32Array,
  label: Uint8Array,
): TagRatings {
  const noteCount = input.noteIds.length;
  const raterCount = input.participantIds.length;
  const size = selection.length;
  const noteStart = new Int32Array(noteCount + 1);
  const noteRater = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    noteStart[input.ratingNote[selection[k]] + 1]++;
    noteRater[k] = input.ratingRater[selection[k]];
  }
  let activeNotes = 0;
  for (let n = 0; n < noteCount; n++) {
    if (noteStart[n + 1] > 0) activeNotes++;
    noteStart[n + 1] += noteStart[n];
  }
  const positions = new Int32Array(size);
  for (let k = 0; k < size; k++) positions[k] = k;
  const raterPosition = countingSort(noteRater, raterCount, positions);
  const raterStart = new Int32Array(raterCount + 1);
  const raterNote = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const position = raterPosition[k];
    raterStart[noteRater[position] + 1]++;
    raterNote[k] = input.ratingNote[selection[position]];
  }
  let activeRaters = 0;
  for (let u = 0; u < raterCount; u++) {
    if (raterStart[u + 1] > 0) activeRaters++;
    raterStart[u + 1] += raterStart[u];
  }
  return {
    noteCount,
    raterCount,
    size,
    activeNotes,
    activeRaters,
    noteStart,
    noteRater,
    label,
    raterStart,
    raterNote,
    raterPosition,
  };
}

export interface LogisticParameters {
  globalIntercept: number;
  readonly noteIntercept: Float64Array;
  readonly noteFactor: Float64Array;
  readonly raterIntercept: Float64Array;
  readonly raterFactor: Float64Array;
  readonly raterReputation: Float64Array;
}

/** Which parameters a round learns; the others stay at their current values. */
export interface LogisticRound {
  readonly noteIntercept: boolean;
  readonly noteFactor: boolean;
  readonly raterIntercept: boolean;
  readonly raterFactor: boolean;
  readonly raterReputation: boolean;
  readonly globalIntercept: boolean;
  /** Multiplies the loss of ratings labelled 1. */
  readonly positiveWeight: number;
  /** Per-rating weight in note-major order, or undefined for 1 everywhere. */
  readonly weight?: Float64Array;
  /** Ridge strength per parameter relative to the *sum* of the rating losses. */
  readonly ridge: {
    readonly noteIntercept: number;
    readonly noteFactor: number;
    readonly raterIntercept: number;
    readonly raterFactor: number;
    readonly raterReputation: number;
    readonly globalIntercept: number;
  };
}

export const LOGISTIC_MAX_SWEEPS = 40;
/** A fit stops once no parameter moves by more than this in a sweep. */
export const LOGISTIC_TOLERANCE = 1e-3;
/** Newton steps are scaled down to move no parameter further than this. */
const MAX_STEP = 1;

/**
 * Fits one round in place by alternating Newton steps: every note's free parameters given the
 * raters, then every rater's given the notes, then μ. Each block's objective is convex (the logit
 * is linear in the block's parameters), so one damped Newton step per block and sweep converges
 * in tens of O(ratings) sweeps, where the reference runs up to 300 full-batch Adam epochs.
 * The order of every sum is fixed by the layout, so the fit is reproducible bit for bit.
 * Returns the number of sweeps.
 */
export function fitLogisticRound(
  data: TagRatings,
  p: LogisticParameters,
  round: LogisticRound,
  maxSweeps = LOGISTIC_MAX_SWEEPS,
): number {
  const noteFree = round.noteIntercept || round.noteFactor;
  const raterFree = round.raterIntercept || round.raterFactor || round.raterReputation;
  const block = new Float64Array(10);
  const step = new Float64Array(3);
  // Locals for the per-rating loops (V8 does not hoist property loads out of them), and the
  // labels and weights copied once into rater-major order: the rater pass read them at the
  // ratings' note-major positions, a random access per rating and sweep into arrays that outgrow
  // the caches as the community grows. The same values in the same order, so the same bits.
  const { noteStart, noteRater, label, raterStart, raterNote, raterPosition } = data;
  const { noteIntercept, noteFactor, raterIntercept, raterFactor, raterReputation } = p;
  const positiveWeight = round.positiveWeight;
  const weight = round.weight;
  const raterLabel = new Uint8Array(data.size);
  for (let k = 0; k < data.size; k++) raterLabel[k] = label[raterPosition[k]];
  // A typed map would keep Int32Array and truncate the weights: Float64Array.from.
  const raterWeight = weight && Float64Array.from(raterPosition, (position) => weight[position]);
  let sweeps = 0;
  while (sweeps < maxSweeps) {
    sweeps++;
    let moved = 0;
    if (noteFree) {
      const mu = p.globalIntercept;
      for (let n = 0; n < data.noteCount; n++) {
        const end = noteStart[n + 1];
        if (noteStart[n] === end) continue;
        const ni = noteIntercept[n];
        const nf = noteFactor[n];
        // The block's gradient (g0, g1) and Hessian (h00, h01, h11): x0 = ρ_u, x1 = f_u.
        let g0 = 0;
        let g1 = 0;
        let h00 = 0;
        let h01 = 0;
        let h11 = 0;
        for (let k = noteStart[n]; k < end; k++) {
          const u = noteRater[k];
          const xi = raterReputation[u];
          const xf = raterFactor[u];
          const z = mu + raterIntercept[u] + xi * ni + xf * nf;
          const d = derivatives(z, label[k], weight ? weight[k] : 1, positiveWeight);
          const g = d.g;
          const h = d.h;
          g0 += g * xi;
          g1 += g * xf;
          h00 += h * xi * xi;
          h01 += h * xi * xf;
          h11 += h * xf * xf;
        }
        setBlock(block, g0, g1, 0, h00, h01, 0, h11, 0, 0);
        addRidge(block, 0, round.noteIntercept, round.ridge.noteIntercept, ni);
        addRidge(block, 1, round.noteFactor, round.ridge.noteFactor, nf);
        newtonStep(block, round.noteIntercept, round.noteFactor, false, step);
        noteIntercept[n] += step[0];
        noteFactor[n] += step[1];
        moved = Math.max(moved, Math.abs(step[0]), Math.abs(step[1]));
      }
    }
    if (raterFree) {
      const mu = p.globalIntercept;
      for (let u = 0; u < data.raterCount; u++) {
        const end = raterStart[u + 1];
        if (raterStart[u] === end) continue;
        const ri = raterIntercept[u];
        const rep = raterReputation[u];
        const rf = raterFactor[u];
        // x0 = 1, x1 = f_n, x2 = i_n.
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let h00 = 0;
        let h01 = 0;
        let h02 = 0;
        let h11 = 0;
        let h12 = 0;
        let h22 = 0;
        for (let k = raterStart[u]; k < end; k++) {
          const n = raterNote[k];
          const xr = noteIntercept[n];
          const xf = noteFactor[n];
          const z = mu + ri + rep * xr + rf * xf;
          const d = derivatives(z, raterLabel[k], raterWeight ? raterWeight[k] : 1, positiveWeight);
          const g = d.g;
          const h = d.h;
          // x0 = 1: h·1 is h exactly, so these sums are the ones the general form gives.
          g0 += g;
          g1 += g * xf;
          g2 += g * xr;
          h00 += h;
          h01 += h * xf;
          h02 += h * xr;
          h11 += h * xf * xf;
          h12 += h * xf * xr;
          h22 += h * xr * xr;
        }
        setBlock(block, g0, g1, g2, h00, h01, h02, h11, h12, h22);
        addRidge(block, 0, round.raterIntercept, round.ridge.raterIntercept, ri);
        addRidge(block, 1, round.raterFactor, round.ridge.raterFactor, rf);
        addRidge(block, 2, round.raterReputation, round.ridge.raterReputation, rep);
        newtonStep(block, round.raterIntercept, round.raterFactor, round.raterReputation, step);
        raterIntercept[u] += step[0];
        raterFactor[u] += step[1];
        raterReputation[u] += step[2];
        moved = Math.max(moved, Math.abs(step[0]), Math.abs(step[1]), Math.abs(step[2]));
      }
    }
    if (round.globalIntercept) {
      const mu = p.globalIntercept;
      let gradient = 2 * round.ridge.globalIntercept * mu;
      let hessian = 2 * round.ridge.globalIntercept;
      for (let n = 0; n < data.noteCount; n++) {
        const ni = noteIntercept[n];
        const nf = noteFactor[n];
        for (let k = noteStart[n]; k < noteStart[n + 1]; k++) {
          const u = noteRater[k];
          const z = mu + raterIntercept[u] + raterReputation[u] * ni + raterFactor[u] * nf;
          const d = derivatives(z, label[k], weight ? weight[k] : 1, positiveWeight);
          gradient += d.g;
          hessian += d.h;
        }
      }
      let delta = hessian > 0 ? -gradient / hessian : 0;
      delta = Math.max(-MAX_STEP, Math.min(MAX_STEP, delta));
      p.globalIntercept += delta;
      moved = Math.max(moved, Math.abs(delta));
    }
    if (moved < LOGISTIC_TOLERANCE) break;
  }
  return sweeps;
}

/** A block's gradient (0–2) and its Hessian's upper triangle 00, 01, 02, 11, 12, 22 (3–8). */
function setBlock(
  b: Float64Array,
  g0: number,
  g1: number,
  g2: number,
  h00: number,
  h01: number,
  h02: number,
  h11: number,
  h12: number,
  h22: number,
): void {
  b[0] = g0;
  b[1] = g1;
  b[2] = g2;
  b[3] = h00;
  b[4] = h01;
  b[5] = h02;
  b[6] = h11;
  b[7] = h12;
  b[8] = h22;
}

const scratch = { g: 0, h: 0 };

/** First and second derivative of one rating's weighted BCE-with-logits loss in z. */
function derivatives(
  z: number,
  label: number,
  weight: number,
  positiveWeight: number,
): { g: number; h: number } {
  // Once per rating per sweep: fastSigmoid, as Math.exp was most of such loops' cost (fast-math.ts).
  const s = sigmoid(z);
  const curvature = s * (1 - s);
  if (label === 1) {
    scratch.g = -weight * positiveWeight * (1 - s);
    scratch.h = weight * positiveWeight * curvature;
  } else {
    scratch.g = weight * s;
    scratch.h = weight * curvature;
  }
  return scratch;
}

/** Adds λ·p² to a block's free parameter `index`. */
function addRidge(
  b: Float64Array,
  index: number,
  free: boolean,
  ridge: number,
  value: number,
): void {
  if (!free) return;
  b[index] += 2 * ridge * value;
  b[[3, 6, 8][index]] += 2 * ridge;
}

/**
 * The Newton step −H⁻¹·g of a block of up to three parameters; frozen parameters get a zero
 * step (their rows become the identity). Scaled down to move nothing further than MAX_STEP.
 */
function newtonStep(
  b: Float64Array,
  free0: boolean,
  free1: boolean,
  free2: boolean,
  out: Float64Array,
): void {
  const g0 = free0 ? b[0] : 0;
  const g1 = free1 ? b[1] : 0;
  const g2 = free2 ? b[2] : 0;
  const h00 = free0 ? b[3] : 1;
  const h11 = free1 ? b[6] : 1;
  const h22 = free2 ? b[8] : 1;
  const h01 = free0 && free1 ? b[4] : 0;
  const h02 = free0 && free2 ? b[5] : 0;
  const h12 = free1 && free2 ? b[7] : 0;
  // Cramer's rule on the symmetric 3×3 system.
  const c00 = h11 * h22 - h12 * h12;
  const c01 = h02 * h12 - h01 * h22;
  const c02 = h01 * h12 - h02 * h11;
  const det = h00 * c00 + h01 * c01 + h02 * c02;
  if (!(det > 0)) {
    out.fill(0);
    return;
  }
  const c11 = h00 * h22 - h02 * h02;
  const c12 = h01 * h02 - h00 * h12;
  const c22 = h00 * h11 - h01 * h01;
  let s0 = -(c00 * g0 + c01 * g1 + c02 * g2) / det;
  let s1 = -(c01 * g0 + c11 * g1 + c12 * g2) / det;
  let s2 = -(c02 * g0 + c12 * g1 + c22 * g2) / det;
  const largest = Math.max(Math.abs(s0), Math.abs(s1), Math.abs(s2));
  if (largest > MAX_STEP) {
    const scale = MAX_STEP / largest;
    s0 *= scale;
    s1 *= scale;
    s2 *= scale;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
}
