/** The objective: its value at `x`, with its gradient written into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsResult {
  readonly iterations: number;
  /** Largest absolute gradient component at the end. */
  readonly gradientNorm: number;
}

const HISTORY = 10;
const ARMIJO = 1e-4;

/**
 * Minimises a smooth convex `objective` from `x` (updated in place) by L-BFGS (ten pairs of
 * history, two-loop recursion) with a backtracking Armijo line search, until no gradient
 * component exceeds `tolerance`, no step lowers the objective any more (its optimum to machine
 * precision) or `maxIterations` pass; a NaN gradient stops it at once (`gradientNorm` NaN).
 * Written here because the one caller, the topic classifier, needs the optimum of
 * scikit-learn's logistic-regression objective (strictly convex, so any such optimum is the
 * optimum) with every sum in a fixed order, for the same bits on every machine; npm's
 * logistic-regression packages fit their own objectives by plain gradient descent.
 */
export function minimiseLbfgs(
  objective: Objective,
  x: Float64Array,
  tolerance: number,
  maxIterations: number,
): LbfgsResult {
  const n = x.length;
  const gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Float64Array(HISTORY);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations && maxAbs(gradient) > tolerance; iterations++) {
    // Two-loop recursion: direction = −H·gradient.
    for (let i = 0; i < n; i++) direction[i] = -gradient[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], direction);
      axpy(-alpha[k], y[k], direction);
    }
    const last = s.length - 1;
    const scale = last >= 0 ? dot(s[last], y[last]) / dot(y[last], y[last]) : 1 / maxAbs(gradient);
    for (let i = 0; i < n; i++) direction[i] *= scale;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], direction);
      axpy(alpha[k] - beta, s[k], direction);
    }
    const slope = dot(gradient, direction);
    if (!(slope < 0)) break;
    let step = 1;
    let trialValue = Infinity;
    for (let tries = 0; tries < 60; tries++, step /= 2) {
      for (let i = 0; i < n; i++) trial[i] = x[i] + step * direction[i];
      trialValue = objective(trial, trialGradient);
      if (trialValue <= value + ARMIJO * step * slope) break;
    }
    if (!(trialValue < value)) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = trial[i] - x[i];
      yk[i] = trialGradient[i] - gradient[i];
    }
    const curvature = dot(sk, yk);
    if (curvature > 0) {
      if (s.length === HISTORY) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / curvature);
    }
    x.set(trial);
    gradient.set(trialGradient);
    value = trialValue;
  }
  return { iterations, gradientNorm: maxAbs(gradient) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}
