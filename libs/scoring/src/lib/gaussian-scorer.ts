import { MIN_RATINGS_PER_NOTE } from './constants';
import { notesRatedBy, othersThan, ratingsKept } from './rating-filters';
import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

/**
 * §8.9 The Gaussian ("consensus across the factor spectrum") scorer. No new factorisation: it
 * takes the Core prescoring's final-round rater factors and, per note, estimates how helpful the
 * note is at fixed points along the factor axis by Gaussian-kernel smoothing of its ratings,
 * mixed with a prior; the note's score is the geometric mean over the points, so one side that
 * dislikes the note pulls it down however much the other side likes it. A mirrored pass on
 * "not helpful" gives a negative score, and the larger magnitude wins.
 */
export interface GaussianParams {
  readonly bandwidth: number;
  readonly smoothingWeight: number;
  readonly smoothingValue: number;
  readonly adaptiveWeightBase: number;
  readonly negativeWeight: number;
  readonly minPrior: number;
  /** A note with less kernel weight than this at some point has no score (intercept 0). */
  readonly weightLimit: number;
  readonly somewhatHelpfulValue: number;
  readonly clipLower: number;
  readonly clipUpper: number;
  /** The mirrored pass scores 1 − helpfulness. */
  readonly flip: boolean;
  /** Each rating's kernel weights are normalised to sum to 1 over the points. */
  readonly normalize: boolean;
  /** Not-helpful raters spread far from their mean factor weigh up to this much more. */
  readonly spreadMultiplier: number;
  readonly spreadCap: number;
}

/** The reference's `gaussianCrhParams`. */
export const GAUSSIAN_HELPFUL_PARAMS: GaussianParams = {
  bandwidth: 0.1,
  smoothingWeight: 0.4,
  smoothingValue: 0.35,
  adaptiveWeightBase: 9,
  negativeWeight: 1.75,
  minPrior: 0.2,
  weightLimit: 1e-9,
  somewhatHelpfulValue: 0.7,
  clipLower: 0.05,
  clipUpper: 0.8,
  flip: false,
  normalize: true,
  spreadMultiplier: 3,
  spreadCap: 2,
};

/** The reference's `gaussianCrnhParams`, the mirrored pass. */
export const GAUSSIAN_NOT_HELPFUL_PARAMS: GaussianParams = {
  bandwidth: 0.2,
  smoothingWeight: 5,
  smoothingValue: 0.35,
  adaptiveWeightBase: 9,
  negativeWeight: 1.25,
  minPrior: 0.3,
  weightLimit: 5e-4,
  somewhatHelpfulValue: 0.7,
  clipLower: 0.25,
  clipUpper: 0.65,
  flip: true,
  normalize: false,
  spreadMultiplier: 4,
  spreadCap: 4,
};

/** The reference's `quantileRange`: 50 points with about equal rater mass between them. */
export const GAUSSIAN_POINTS = Float64Array.of(
  -0.92,
  -0.65,
  -0.61,
  -0.58,
  -0.55,
  -0.52,
  -0.49,
  -0.46,
  -0.43,
  -0.41,
  -0.38,
  -0.35,
  -0.33,
  -0.3,
  -0.28,
  -0.25,
  -0.22,
  -0.2,
  -0.17,
  -0.14,
  -0.12,
  -0.09,
  -0.07,
  -0.04,
  -0.01,
  0.01,
  0.04,
  0.07,
  0.09,
  0.12,
  0.14,
  0.17,
  0.2,
  0.22,
  0.25,
  0.28,
  0.3,
  0.33,
  0.35,
  0.38,
  0.41,
  0.43,
  0.46,
  0.49,
  0.52,
  0.55,
  0.58,
  0.61,
  0.65,
  0.92,
);

/** The reference's `smoothedRange`: every other point of the first half, then of the second. */
export const GAUSSIAN_MIRRORED_POINTS = Float64Array.from([
  ...[...GAUSSIAN_POINTS].filter((_, i) => i % 2 === 0).slice(0, 13),
  ...[...GAUSSIAN_POINTS].slice(25).filter((_, i) => i % 2 === 0),
]);

/** Width of the window around the not-helpful raters' mean factor that counts as "expected". */
const SPREAD_WINDOW = 0.28;
/** Notes with fewer raters than this on either factor side get the flat prior 0.1. */
const MIN_RATERS_PER_SIDE_FOR_PRIOR = 3;
const FLAT_PRIOR = 0.1;

export interface GaussianScores {
  /** The signed score (CRH pass, or minus the mirrored pass when larger); NaN if unscored. */
  readonly intercept: Float64Array;
  /** §5.2 (a)/(b): the same without high-volume, and without correlated raters. */
  readonly interceptNoHighVol: Float64Array;
  readonly interceptNoCorrelated: Float64Array;
}

/**
 * Scores every note on `selection` (the Core final scoring's ratings: notes with ≥ 5 ratings,
 * raters above the helpfulness threshold with prescoring factors), and again without each group
 * of excluded raters (notes keeping ≥ 5 of the ratings, else NaN).
 */
export function gaussianScores(
  input: ScoringInput,
  selection: Int32Array,
  raterFactor: Float64Array,
  excluded: { highVolume?: Uint8Array; correlated?: Uint8Array } = {},
): GaussianScores {
  const helpfulKernel = new KernelTable(raterFactor, GAUSSIAN_POINTS, GAUSSIAN_HELPFUL_PARAMS);
  const mirroredKernel = new KernelTable(
    raterFactor,
    GAUSSIAN_MIRRORED_POINTS,
    GAUSSIAN_NOT_HELPFUL_PARAMS,
  );
  const score = (kept: Int32Array, minRatings: number): Float64Array => {
    const helpful = passScores(input, kept, raterFactor, helpfulKernel, minRatings);
    const mirrored = passScores(input, kept, raterFactor, mirroredKernel, minRatings);
    const out = new Float64Array(input.noteIds.length);
    for (let n = 0; n < out.length; n++) {
      out[n] = Math.abs(helpful[n]) < Math.abs(mirrored[n]) ? -mirrored[n] : helpful[n];
    }
    return out;
  };
  const intercept = score(selection, 1);
  const counts = new Int32Array(intercept.length);
  for (const i of selection) counts[input.ratingNote[i]]++;
  const without = (raters: Uint8Array | undefined): Float64Array => {
    // Every note keeps its full score (minus the notes with fewer than 5 ratings) but those the
    // left-out raters rated, which are scored again (see `notesRatedBy`).
    const out = intercept.slice();
    for (let n = 0; n < out.length; n++) if (counts[n] < MIN_RATINGS_PER_NOTE) out[n] = NaN;
    const touched = notesRatedBy(input, selection, raters);
    if (!touched || !raters) return out;
    const kept = ratingsKept(input, touched, othersThan(raters), selection);
    const rescored = score(kept, MIN_RATINGS_PER_NOTE);
    for (let n = 0; n < out.length; n++) if (touched[n] === 1) out[n] = rescored[n];
    return out;
  };
  return {
    intercept,
    interceptNoHighVol: without(excluded.highVolume),
    interceptNoCorrelated: without(excluded.correlated),
  };
}

/**
 * Each rater's kernel weights at the points, computed once: they depend only on the rater's
 * factor (the reference computes them per rating; a table keeps the per-rating work to loads).
 */
class KernelTable {
  readonly points: number;
  readonly weights: Float64Array;
  readonly params: GaussianParams;
  readonly pointValues: Float64Array;

  constructor(raterFactor: Float64Array, points: Float64Array, params: GaussianParams) {
    this.points = points.length;
    this.weights = new Float64Array(raterFactor.length * points.length);
    const norm = 1 / (params.bandwidth * Math.sqrt(2 * Math.PI));
    for (let u = 0; u < raterFactor.length; u++) {
      const f = raterFactor[u];
      if (Number.isNaN(f)) continue;
      const row = u * points.length;
      let sum = 0;
      for (let q = 0; q < points.length; q++) {
        const d = (f - points[q]) / params.bandwidth;
        const w = norm * Math.exp(-0.5 * d * d);
        this.weights[row + q] = w;
        sum += w;
      }
      if (params.normalize && sum > 0) {
        for (let q = 0; q < points.length; q++) this.weights[row + q] /= sum;
      }
    }
    this.params = params;
    this.pointValues = points;
  }
}

/** One pass (helpful or mirrored) over notes; 0 for notes without enough kernel weight. */
function passScores(
  input: ScoringInput,
  selection: Int32Array,
  raterFactor: Float64Array,
  kernel: KernelTable,
  minRatings: number,
): Float64Array {
  const { params, points, weights, pointValues } = kernel;
  const out = new Float64Array(input.noteIds.length).fill(NaN);
  const base = new Float64Array(points);
  const total = new Float64Array(points);
  const value = new Float64Array(points);
  // The note's ratings as (rater, level) pairs, the author's synthetic rating included.
  let raters = new Int32Array(64);
  let levels = new Uint8Array(64);
  // The rating level counted as "negative" in this pass: NOT_HELPFUL, or HELPFUL when mirrored.
  const negativeLevel = params.flip ? HelpfulnessLevel.Helpful : HelpfulnessLevel.NotHelpful;
  for (let start = 0; start < selection.length;) {
    const n = input.ratingNote[selection[start]];
    let end = start;
    while (end < selection.length && input.ratingNote[selection[end]] === n) end++;
    if (end - start < minRatings) {
      start = end;
      continue;
    }
    if (raters.length < end - start + 1) {
      raters = new Int32Array(2 * (end - start + 1));
      levels = new Uint8Array(raters.length);
    }
    let count = 0;
    for (let k = start; k < end; k++) {
      raters[count] = input.ratingRater[selection[k]];
      levels[count++] = input.ratingLevel[selection[k]];
    }
    // §8.9: in the helpful pass the note's author counts as one more HELPFUL rating (when the
    // author has a factor); the mirrored pass scores the raters' ratings alone.
    const author = params.flip ? -1 : input.noteAuthor[n];
    if (author >= 0 && !Number.isNaN(raterFactor[author])) {
      raters[count] = author;
      levels[count++] = HelpfulnessLevel.Helpful;
    }
    start = end;
    // The negative raters' mean factor, and the share of them far from it (weighted up).
    let negativeSum = 0;
    let negatives = 0;
    let signedFactorSum = 0;
    let below = 0;
    let above = 0;
    for (let k = 0; k < count; k++) {
      const f = raterFactor[raters[k]];
      const level = levels[k];
      if (level === negativeLevel) {
        negativeSum += f;
        negatives++;
      }
      // The prior's note factor: mean of (2·helpfulNum − 1)·f_u, flipped in the mirrored pass.
      const helpfulNum = levelValue(level);
      signedFactorSum += ((params.flip ? 1 - helpfulNum : helpfulNum) - 0.5) * 2 * f;
      if (f < 0) below++;
      else if (f > 0) above++;
    }
    let spreadFactor = 1;
    if (negatives > 0) {
      const mean = negativeSum / negatives;
      let unexpected = 0;
      for (let k = 0; k < count; k++) {
        if (levels[k] !== negativeLevel) continue;
        const distance = Math.abs(raterFactor[raters[k]] - mean);
        unexpected += 1 / (1 + Math.exp(-200 * (distance - SPREAD_WINDOW / 2)));
      }
      spreadFactor = Math.min((unexpected / count) * params.spreadMultiplier + 1, params.spreadCap);
    }
    base.fill(0);
    total.fill(0);
    value.fill(0);
    for (let k = 0; k < count; k++) {
      const row = raters[k] * points;
      const level = levels[k];
      let h =
        level === HelpfulnessLevel.SomewhatHelpful
          ? params.somewhatHelpfulValue
          : levelValue(level);
      if (params.flip) h = 1 - h;
      const scale = h === 0 ? spreadFactor * params.negativeWeight : 1;
      for (let q = 0; q < points; q++) {
        const w = weights[row + q];
        base[q] += w;
        total[q] += w * scale;
        value[q] += w * scale * h;
      }
    }
    let insufficient = false;
    for (let q = 0; q < points; q++) if (base[q] < params.weightLimit) insufficient = true;
    if (insufficient) {
      out[n] = 0;
      continue;
    }
    const noteFactor = signedFactorSum / count;
    const flatPrior =
      below < MIN_RATERS_PER_SIDE_FOR_PRIOR || above < MIN_RATERS_PER_SIDE_FOR_PRIOR;
    const priorWeight =
      (Math.log(Math.max(count, params.adaptiveWeightBase)) / Math.log(params.adaptiveWeightBase)) *
      params.smoothingWeight;
    let logSum = 0;
    for (let q = 0; q < points; q++) {
      const prior = flatPrior
        ? FLAT_PRIOR
        : Math.max(
            Math.min(
              (noteFactor * pointValues[q]) / 2 + params.smoothingValue,
              params.smoothingValue,
            ),
            params.minPrior,
          );
      const mean = (value[q] + prior * priorWeight) / (total[q] + priorWeight);
      logSum += Math.log(Math.min(Math.max(mean, params.clipLower), params.clipUpper));
    }
    out[n] = Math.exp(logSum / points);
  }
  return out;
}

function levelValue(level: number): number {
  return level === HelpfulnessLevel.Helpful ? 1 : level === HelpfulnessLevel.NotHelpful ? 0 : 0.5;
}
