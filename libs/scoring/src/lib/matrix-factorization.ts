import {
  GLOBAL_INTERCEPT_LAMBDA,
  NOTE_FACTOR_LAMBDA,
  NOTE_INTERCEPT_LAMBDA,
  RATER_FACTOR_LAMBDA,
  RATER_INTERCEPT_LAMBDA,
} from './constants';
import { Random } from './random';
import type { RatingMatrix } from './rating-matrix';

/**
 * Parameters of `r̂ = μ + i_u + i_n + f_u·f_n` (§4.1), indexed by the input's global note and
 * participant indexes; NaN for a note or rater the fit did not see.
 */
export interface MfParameters {
  globalIntercept: number;
  readonly noteIntercept: Float64Array;
  readonly noteFactor: Float64Array;
  readonly raterIntercept: Float64Array;
  readonly raterFactor: Float64Array;
}

/**
 * Ridge strengths per parameter relative to the *sum* of squared errors. The reference's loss
 * (§4.2) is a mean squared error plus λ·mean(param²); multiplied through by the number of ratings
 * R, each note parameter gets λ·R/N, each rater parameter λ·R/U and μ gets λμ·R. When a
 * ratings-per-note ratio is given (final scoring), the note terms become λ·ratio instead, which
 * keeps prescoring's per-note strength on a different rating set.
 */
export interface Regularisation {
  readonly noteIntercept: number;
  readonly noteFactor: number;
  readonly raterIntercept: number;
  readonly raterFactor: number;
  readonly globalIntercept: number;
}

export function regularisationFor(matrix: RatingMatrix, ratingsPerNote?: number): Regularisation {
  const perNote = ratingsPerNote ?? matrix.size / matrix.activeNotes;
  const perRater = matrix.size / matrix.activeRaters;
  return {
    noteIntercept: NOTE_INTERCEPT_LAMBDA * perNote,
    noteFactor: NOTE_FACTOR_LAMBDA * perNote,
    raterIntercept: RATER_INTERCEPT_LAMBDA * perRater,
    raterFactor: RATER_FACTOR_LAMBDA * perRater,
    globalIntercept: GLOBAL_INTERCEPT_LAMBDA * matrix.size,
  };
}

export interface FitOptions {
  /** Stop when one sweep lowers the loss by less than this fraction of it. */
  readonly relativeTolerance: number;
  readonly maxIterations: number;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = { relativeTolerance: 1e-11, maxIterations: 2000 };

export interface FitResult {
  readonly parameters: MfParameters;
  readonly iterations: number;
  /** The reference's loss (§4.2) at the result: mean squared error plus the penalties. */
  readonly loss: number;
  /** Mean squared training error, the quantity of the reference's train-error guard (§4.3). */
  readonly trainMse: number;
}

/**
 * Closed-form minimiser of Σ(y − i − f·x)² + a·i² + b·f² from its sufficient statistics: the
 * 2×2 normal equations [[c + a, Σx], [Σx, Σx² + b]]·[i, f] = [Σy, Σxy]. Writes i and f to `out`.
 * Both ridge terms are positive, so the system is always positive definite.
 */
export function solveTwoParameterRidge(
  count: number,
  sumX: number,
  sumXX: number,
  sumY: number,
  sumXY: number,
  interceptRidge: number,
  factorRidge: number,
  out: Float64Array,
): void {
  const a = count + interceptRidge;
  const d = sumXX + factorRidge;
  const det = a * d - sumX * sumX;
  out[0] = (d * sumY - sumX * sumXY) / det;
  out[1] = (a * sumXY - sumX * sumY) / det;
}

/** Zero intercepts and small random factors, like the reference's xavier-uniform start (§4.3). */
export function initialParameters(matrix: RatingMatrix, seed: number): MfParameters {
  const random = new Random(seed);
  const noteBound = Math.sqrt(6 / (matrix.activeNotes + 1));
  const raterBound = Math.sqrt(6 / (matrix.activeRaters + 1));
  const noteFactor = new Float64Array(matrix.noteCount);
  const raterFactor = new Float64Array(matrix.raterCount);
  for (let n = 0; n < matrix.noteCount; n++) noteFactor[n] = random.uniform(-noteBound, noteBound);
  for (let u = 0; u < matrix.raterCount; u++) {
    raterFactor[u] = random.uniform(-raterBound, raterBound);
  }
  return {
    globalIntercept: 0,
    noteIntercept: new Float64Array(matrix.noteCount),
    noteFactor,
    raterIntercept: new Float64Array(matrix.raterCount),
    raterFactor,
  };
}

/**
 * Minimises the reference's loss by alternating exact least squares: every note's (i_n, f_n)
 * given the raters, then every rater's (i_u, f_u) given the notes, then μ. Each step is an exact
 * block minimisation, so the loss never rises and the fit stops at a stationary point of the
 * very objective the reference's Adam loop approximates, in tens of O(ratings) sweeps.
 * Summation order is fixed by the matrix layout, so the result is bit-for-bit reproducible.
 */
export function fitMatrixFactorization(
  matrix: RatingMatrix,
  initial: MfParameters,
  regularisation: Regularisation,
  options: FitOptions = DEFAULT_FIT_OPTIONS,
): FitResult {
  // (intercept, factor) pairs side by side: one cache line serves both in the inner loops,
  // which read the other side's parameters in scattered order.
  const notes = interleave(initial.noteIntercept, initial.noteFactor);
  const raters = interleave(initial.raterIntercept, initial.raterFactor);
  let mu = initial.globalIntercept;
  let previousLoss = Infinity;
  let loss = 0;
  let sumSquares = 0;
  let iterations = 0;
  while (iterations < options.maxIterations) {
    iterations++;
    const noteStep = solveSide(
      matrix.noteStart,
      matrix.noteRater,
      matrix.noteValue,
      mu,
      notes,
      raters,
      regularisation.noteIntercept,
      regularisation.noteFactor,
    );
    const raterStep = solveSide(
      matrix.raterStart,
      matrix.raterNote,
      matrix.raterValue,
      mu,
      raters,
      notes,
      regularisation.raterIntercept,
      regularisation.raterFactor,
    );
    // μ minimises Σ(r − μ − rest)² + λμ·R·μ² given every other parameter. Moving μ by Δ changes
    // the squared error by −2Δ·Σresidual + R·Δ², so the loss needs no extra pass either.
    const nextMu =
      (raterStep.sumResiduals + matrix.size * mu) / (matrix.size + regularisation.globalIntercept);
    const delta = nextMu - mu;
    sumSquares =
      raterStep.sumSquares - 2 * delta * raterStep.sumResiduals + matrix.size * delta * delta;
    mu = nextMu;
    loss =
      sumSquares + noteStep.penalty + raterStep.penalty + regularisation.globalIntercept * mu * mu;
    if (previousLoss - loss <= options.relativeTolerance * loss) break;
    previousLoss = loss;
  }
  const fittedNotes = deinterleave(notes, matrix.noteStart);
  const fittedRaters = deinterleave(raters, matrix.raterStart);
  return {
    parameters: {
      globalIntercept: mu,
      noteIntercept: fittedNotes.intercept,
      noteFactor: fittedNotes.factor,
      raterIntercept: fittedRaters.intercept,
      raterFactor: fittedRaters.factor,
    },
    iterations,
    loss: loss / matrix.size,
    trainMse: sumSquares / matrix.size,
  };
}

interface SideStep {
  /** Σ squared residuals after the step. */
  readonly sumSquares: number;
  /** Σ λ·param² of the side's parameters. */
  readonly penalty: number;
  /** Σ residuals after the step, for μ's update. */
  readonly sumResiduals: number;
}

/**
 * One half-sweep: for each entity of one side (notes, or raters), its exact ridge solution
 * given μ and the other side, from one pass over its ratings. `own` and `others` hold
 * interleaved (intercept, factor) pairs.
 */
function solveSide(
  start: Int32Array,
  other: Int32Array,
  value: Float32Array,
  mu: number,
  own: Float64Array,
  others: Float64Array,
  interceptRidge: number,
  factorRidge: number,
): SideStep {
  const solution = new Float64Array(2);
  const entities = start.length - 1;
  let sumSquares = 0;
  let penalty = 0;
  let sumResiduals = 0;
  for (let e = 0; e < entities; e++) {
    const end = start[e + 1];
    let k = start[e];
    if (k === end) continue;
    const count = end - k;
    let sx = 0;
    let sxx = 0;
    let sy = 0;
    let sxy = 0;
    let syy = 0;
    for (; k < end; k++) {
      const o = 2 * other[k];
      const x = others[o + 1];
      const y = value[k] - mu - others[o];
      sx += x;
      sxx += x * x;
      sy += y;
      sxy += x * y;
      syy += y * y;
    }
    solveTwoParameterRidge(count, sx, sxx, sy, sxy, interceptRidge, factorRidge, solution);
    const i = solution[0];
    const f = solution[1];
    own[2 * e] = i;
    own[2 * e + 1] = f;
    // Σ(y − i − f·x)² expanded, so the loss costs no extra pass over the ratings.
    sumSquares += syy - 2 * i * sy - 2 * f * sxy + count * i * i + 2 * i * f * sx + f * f * sxx;
    penalty += interceptRidge * i * i + factorRidge * f * f;
    sumResiduals += sy - count * i - f * sx;
  }
  return { sumSquares, penalty, sumResiduals };
}

function interleave(intercept: Float64Array, factor: Float64Array): Float64Array {
  const pairs = new Float64Array(2 * intercept.length);
  for (let i = 0; i < intercept.length; i++) {
    pairs[2 * i] = intercept[i];
    pairs[2 * i + 1] = factor[i];
  }
  return pairs;
}

/** Splits the pairs back into columns, NaN for entities without ratings in the matrix. */
function deinterleave(
  pairs: Float64Array,
  start: Int32Array,
): { intercept: Float64Array; factor: Float64Array } {
  const count = start.length - 1;
  const intercept = new Float64Array(count);
  const factor = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const fitted = start[i] !== start[i + 1];
    intercept[i] = fitted ? pairs[2 * i] : NaN;
    factor[i] = fitted ? pairs[2 * i + 1] : NaN;
  }
  return { intercept, factor };
}

/**
 * §4.3 identification: the model is symmetric under f → −f, so the reference fixes the sign by
 * flipping every factor when fewer than half of the non-zero rater factors are negative. The
 * larger rater camp therefore ends up with negative factors.
 */
export function identifyFactorSign(parameters: MfParameters): boolean {
  let nonZero = 0;
  let negative = 0;
  for (const f of parameters.raterFactor) {
    if (f !== 0 && !Number.isNaN(f)) {
      nonZero++;
      if (f < 0) negative++;
    }
  }
  if (negative >= nonZero / 2) return false;
  for (const factors of [parameters.noteFactor, parameters.raterFactor]) {
    for (let i = 0; i < factors.length; i++) factors[i] = -factors[i];
  }
  return true;
}
