import {
  TAG_FILTER_DISTANCE_EXPONENT,
  TAG_FILTER_DISTANCE_PERCENTILE,
  TAG_FILTER_MIN_ADJUSTED_TOTAL,
  TAG_FILTER_THRESHOLD_PERCENTILE,
} from './constants';
import { quantileInPlace } from './percentile';
import { FIRST_NOT_HELPFUL_TAG, RatingTag, TAG_COUNT } from './rating-tags';
import type { ScoringInput } from './scoring-input';

export const NOT_HELPFUL_TAG_COUNT = TAG_COUNT - FIRST_NOT_HELPFUL_TAG;

/**
 * §7.1 per note: Σ w·tag for each of the 13 not-helpful tags (`adjusted[13·note + t]`, t = tag −
 * FIRST_NOT_HELPFUL_TAG) and Σ w (`weight[note]`), where a rating's weight falls off with the
 * distance between the z-normalised rater and note factors: w = 1 / (1 + (d / d40)^5).
 * Nearby raters' complaints count fully; complaints from the far side barely count.
 */
export interface WeightedTags {
  readonly adjusted: Float64Array;
  readonly weight: Float64Array;
}

function standardise(values: Float64Array): Float64Array {
  let count = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
  }
  const mean = sum / count;
  let squares = 0;
  for (const v of values) if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  // Sample standard deviation, as pandas' `std` computes it.
  const sd = Math.sqrt(squares / (count - 1)) || 1;
  return values.map((v) => (v - mean) / sd);
}

export function weightedTags(
  input: ScoringInput,
  selection: Int32Array,
  noteFactor: Float64Array,
  raterFactor: Float64Array,
): WeightedTags {
  const noteZ = standardise(noteFactor);
  const raterZ = standardise(raterFactor);
  const distance = new Float64Array(selection.length);
  for (let k = 0; k < selection.length; k++) {
    const i = selection[k];
    distance[k] = Math.abs(raterZ[input.ratingRater[i]] - noteZ[input.ratingNote[i]]);
  }
  const d40 = quantileInPlace(distance.slice(), TAG_FILTER_DISTANCE_PERCENTILE);
  const noteCount = input.noteIds.length;
  const adjusted = new Float64Array(noteCount * NOT_HELPFUL_TAG_COUNT);
  const weight = new Float64Array(noteCount);
  // Imported constants read once: a module's imports are getter calls under tsx's CommonJS.
  const exponent = TAG_FILTER_DISTANCE_EXPONENT;
  const firstTag = FIRST_NOT_HELPFUL_TAG;
  for (let k = 0; k < selection.length; k++) {
    const i = selection[k];
    const n = input.ratingNote[i];
    const w = 1 / (1 + Math.pow(distance[k] / d40, exponent));
    if (Number.isNaN(w)) continue;
    weight[n] += w;
    const tags = input.ratingTags[i] >>> firstTag;
    if (tags === 0) continue;
    for (let t = 0; t < NOT_HELPFUL_TAG_COUNT; t++) {
      if (tags & (1 << t)) adjusted[n * NOT_HELPFUL_TAG_COUNT + t] += w;
    }
  }
  return { adjusted, weight };
}

/**
 * §5.1 step 9: per not-helpful tag, the 95th percentile of the weighted tag ratio over the notes
 * prescoring rates helpful (`crh[note] === 1`). NaN for a tag when no note is helpful.
 */
export function tagThresholds(tags: WeightedTags, crh: Uint8Array): Float64Array {
  const notes: number[] = [];
  for (let n = 0; n < crh.length; n++) if (crh[n] === 1 && tags.weight[n] > 0) notes.push(n);
  const thresholds = new Float64Array(NOT_HELPFUL_TAG_COUNT);
  const ratios = new Float64Array(notes.length);
  for (let t = 0; t < NOT_HELPFUL_TAG_COUNT; t++) {
    notes.forEach((n, k) => {
      ratios[k] = tags.adjusted[n * NOT_HELPFUL_TAG_COUNT + t] / tags.weight[n];
    });
    thresholds[t] = quantileInPlace(ratios, TAG_FILTER_THRESHOLD_PERCENTILE);
  }
  return thresholds;
}

/**
 * §7.1 trigger: the first not-helpful tag (other than HardToUnderstand) whose weighted total is
 * above 2.5 and whose weighted ratio is above prescoring's threshold, or −1.
 */
export function tagOutlier(tags: WeightedTags, thresholds: Float64Array, note: number): number {
  const weight = tags.weight[note];
  if (!(weight > 0)) return -1;
  for (let t = 0; t < NOT_HELPFUL_TAG_COUNT; t++) {
    if (t + FIRST_NOT_HELPFUL_TAG === RatingTag.NotHelpfulHardToUnderstand) continue;
    const total = tags.adjusted[note * NOT_HELPFUL_TAG_COUNT + t];
    if (total > TAG_FILTER_MIN_ADJUSTED_TOTAL && total / weight > thresholds[t]) {
      return t + FIRST_NOT_HELPFUL_TAG;
    }
  }
  return -1;
}
