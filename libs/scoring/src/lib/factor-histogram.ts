/**
 * How a run's raters spread along the factor axis, for the operator console: counts per bin
 * only, never which rater sits where. Factors past the range go to its edge bins, so every
 * rater the final round scored is counted once.
 */
export interface FactorHistogram {
  /** Lower edge of the first bin and upper edge of the last. */
  readonly min: number;
  readonly max: number;
  /** Raters per bin, bins of equal width from `min` to `max`. */
  readonly counts: number[];
}

export const FACTOR_HISTOGRAM_RANGE = 1;
export const FACTOR_HISTOGRAM_BINS = 20;

export function factorHistogram(
  factors: ArrayLike<number>,
  bins = FACTOR_HISTOGRAM_BINS,
  range = FACTOR_HISTOGRAM_RANGE,
): FactorHistogram {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < factors.length; i += 1) {
    const factor = factors[i] as number;
    // NaN: a rater the final round did not score (too few ratings).
    if (Number.isNaN(factor)) continue;
    const bin = Math.floor(((factor + range) / (2 * range)) * bins);
    counts[Math.min(bins - 1, Math.max(0, bin))] += 1;
  }
  return { min: -range, max: range, counts };
}
