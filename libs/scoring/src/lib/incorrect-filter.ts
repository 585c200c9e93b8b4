import {
  INCORRECT_FACTOR_CLIP,
  INCORRECT_MAX_FACTOR_DISTANCE,
  INCORRECT_MIN_TAGS,
  INCORRECT_MIN_TF_IDF,
  INCORRECT_MIN_VOTERS,
} from './constants';
import { NOT_HELPFUL_TAGS_MASK, RatingTag } from './rating-tags';
import type { ScoringInput } from './scoring-input';

const INCORRECT_BIT = 1 << RatingTag.NotHelpfulIncorrect;

/**
 * §5.1 step 10: each rater's propensity to call notes incorrect, #ratings tagged Incorrect ÷
 * #ratings with any not-helpful tag, over the given ratings; NaN without not-helpful tags.
 */
export function incorrectPropensity(input: ScoringInput, selection: Int32Array): Float64Array {
  const participants = input.participantIds.length;
  const incorrect = new Int32Array(participants);
  const tagged = new Int32Array(participants);
  for (const i of selection) {
    const tags = input.ratingTags[i];
    if ((tags & NOT_HELPFUL_TAGS_MASK) === 0) continue;
    const u = input.ratingRater[i];
    tagged[u]++;
    if (tags & INCORRECT_BIT) incorrect[u]++;
  }
  return Float64Array.from(tagged, (t, u) => (t > 0 ? incorrect[u] / t : NaN));
}

/** §7.2 aggregates per note. */
export interface IncorrectCounts {
  /** Incorrect tags from nearby raters. */
  readonly incorrect: Int32Array;
  /** Nearby raters who gave any not-helpful tag. */
  readonly voters: Int32Array;
  /** incorrect / ln(1 + Σ voters' propensity): rare from habitual "incorrect" taggers. */
  readonly tfIdf: Float64Array;
}

/**
 * §7.2: among ratings with a not-helpful tag whose rater and note factors (each clipped to
 * ±0.4) differ by less than 0.3, i.e. raters who share the note's viewpoint, count Incorrect
 * tags and weigh them against how readily those raters say "incorrect".
 */
export function incorrectCounts(
  input: ScoringInput,
  selection: Int32Array,
  noteFactor: Float64Array,
  raterFactor: Float64Array,
  propensity: Float64Array,
): IncorrectCounts {
  const noteCount = input.noteIds.length;
  const incorrect = new Int32Array(noteCount);
  const voters = new Int32Array(noteCount);
  const propensitySum = new Float64Array(noteCount);
  // Imported constants read once: a module's imports are getter calls under tsx's CommonJS.
  const bound = INCORRECT_FACTOR_CLIP;
  const maxDistance = INCORRECT_MAX_FACTOR_DISTANCE;
  const notHelpfulTags = NOT_HELPFUL_TAGS_MASK;
  const clip = (x: number): number => Math.max(-bound, Math.min(bound, x));
  for (const i of selection) {
    const tags = input.ratingTags[i];
    if ((tags & notHelpfulTags) === 0) continue;
    const n = input.ratingNote[i];
    const u = input.ratingRater[i];
    if (!(Math.abs(clip(raterFactor[u]) - clip(noteFactor[n])) < maxDistance)) continue;
    voters[n]++;
    if (tags & INCORRECT_BIT) incorrect[n]++;
    if (!Number.isNaN(propensity[u])) propensitySum[n] += propensity[u];
  }
  const tfIdf = Float64Array.from(incorrect, (c, n) => c / Math.log(1 + propensitySum[n]));
  return { incorrect, voters, tfIdf };
}

export function isIncorrectOutlier(counts: IncorrectCounts, note: number): boolean {
  return (
    counts.incorrect[note] >= INCORRECT_MIN_TAGS &&
    counts.voters[note] >= INCORRECT_MIN_VOTERS &&
    counts.tfIdf[note] >= INCORRECT_MIN_TF_IDF
  );
}
