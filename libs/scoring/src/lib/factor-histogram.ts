import type { ScoringResult } from './scorer';

/**
 * How a run's raters spread along the factor axis, for the operator console: counts per bin
 * only, never which rater sits where. Factors past the range go to its edge bins, so every
 * rater the fit scored is counted once.
 */
export interface FactorHistogram {
  /** Lower edge of the first bin and upper edge of the last. */
  readonly min: number;
  readonly max: number;
  /** Raters per bin, bins of equal width from `min` to `max`. */
  readonly counts: number[];
  /** The opinion groups on this axis, when the small-community regime decided the run. */
  readonly groups?: OpinionGroupSplit;
}

/**
 * The small-community regime's two groups: how many members each, and where they start. A type
 * rather than an interface, so that a run record's JSON column takes it.
 */
export type OpinionGroupSplit = {
  /** Members of group A (factor ≤ −margin, on the side where most members' factors lie) and of group B (≥ margin). */
  readonly sizes: readonly [number, number];
  /** |factor| a member needs to belong to a group; 0 without a viewpoint fit. */
  readonly margin: number;
};

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
    // NaN: a rater the fit did not score (too few ratings).
    if (Number.isNaN(factor)) continue;
    const bin = Math.floor(((factor + range) / (2 * range)) * bins);
    counts[Math.min(bins - 1, Math.max(0, bin))] += 1;
  }
  return { min: -range, max: range, counts };
}

/**
 * The raters' factors of the fit that decided a full run: the Core's final round, or, where the
 * small-community regime decided, its own viewpoint fit with the groups it formed (the Core's
 * final round keeps only raters with 10 ratings, which a small community rarely has).
 */
export function runFactorHistogram(result: ScoringResult): FactorHistogram {
  const { groups } = result;
  if (!groups) return factorHistogram(result.prescoring.finalRound.raterFactor);
  return {
    ...factorHistogram(groups.fit?.raterFactor ?? []),
    groups: { sizes: groups.groupSizes, margin: groups.margin },
  };
}
