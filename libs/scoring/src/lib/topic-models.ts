import {
  MIN_RATINGS_PER_NOTE,
  TOPIC_CONFIDENCE_RATINGS,
  TOPIC_NMR_FACTOR_THRESHOLD,
  TOPIC_NMR_INTERCEPT_THRESHOLD,
} from './constants';
import { fitNotes } from './final-scoring';
import { DEFAULT_FIT_OPTIONS, initialParameters, type FitOptions } from './matrix-factorization';
import { fitSubset } from './prescoring';
import { countRatingsPerNote, filterRatingsForTraining, ratingsKept } from './rating-filters';
import { buildRatingMatrix } from './rating-matrix';
import { withRatings, type ScoringInput } from './scoring-input';

/** §8.6: what the topic models say about each note, as typed-array columns. */
export interface TopicModelScores {
  /**
   * 1 where a topic model scored the note: its topic's model had ratings to fit (the §4.5
   * filters left some) and the note has ratings in it. Only these notes can be vetoed or held.
   */
  readonly scored: Uint8Array;
  /** The topic model's final intercept and factor; NaN where it has no fit for the note. */
  readonly intercept: Float64Array;
  readonly factor: Float64Array;
  /** 1 where more than 4 of the note's ratings come from raters on each side of the axis. */
  readonly confident: Uint8Array;
  /** Ratings each note's final fit used. */
  readonly finalRatings: Int32Array;
}

/**
 * §8.6 topic models: for each topic, a matrix factorisation on its notes' ratings alone, with no
 * reputation filtering (`useReputation=False`): round one on the §4.5-filtered ratings, from
 * which final scoring fits every note with ≥ 5 ratings, raters and μ frozen (the per-note
 * regulariser scaled by round one's ratings per note). A topic whose filters leave no rating (no
 * rater with ten ratings of its notes: the reference's EmptyRatingException) has no model and
 * scores nothing. No pseudo-raters, no tag models: only the intercept, the factor and the
 * confidence reach meta-scoring (`topicVeto`) and stabilisation.
 */
export function topicModelScores(
  input: ScoringInput,
  finalInput: ScoringInput,
  noteTopic: Int16Array,
  topicCount: number,
  seed: number,
  fit: FitOptions = DEFAULT_FIT_OPTIONS,
): TopicModelScores {
  const noteCount = input.noteIds.length;
  const scores: TopicModelScores = {
    scored: new Uint8Array(noteCount),
    intercept: new Float64Array(noteCount).fill(NaN),
    factor: new Float64Array(noteCount).fill(NaN),
    confident: new Uint8Array(noteCount),
    finalRatings: new Int32Array(noteCount),
  };
  for (let topic = 0; topic < topicCount; topic++) {
    const ofTopic = Uint8Array.from(noteTopic, (t) => (t === topic ? 1 : 0));
    const slice = withRatings(input, ratingsKept(input, ofTopic, undefined));
    const training = filterRatingsForTraining(slice);
    if (training.length === 0) continue;
    const matrix = buildRatingMatrix(slice, training);
    const { parameters } = fitSubset(matrix, initialParameters(matrix, seed), fit);
    const finalSlice =
      finalInput === input
        ? slice
        : withRatings(finalInput, ratingsKept(finalInput, ofTopic, undefined));
    const counts = countRatingsPerNote(finalSlice);
    const { raterFactor } = parameters;
    const selection = ratingsKept(
      finalSlice,
      Uint8Array.from(counts, (count) => (count >= MIN_RATINGS_PER_NOTE ? 1 : 0)),
      Uint8Array.from(raterFactor, (f) => (Number.isNaN(f) ? 0 : 1)),
    );
    const notes = fitNotes(finalSlice, selection, parameters, matrix.size / matrix.activeNotes);
    const positive = new Int32Array(noteCount);
    const negative = new Int32Array(noteCount);
    for (const i of selection) {
      const n = finalSlice.ratingNote[i];
      if (raterFactor[finalSlice.ratingRater[i]] >= 0) positive[n]++;
      else negative[n]++;
    }
    for (let n = 0; n < noteCount; n++) {
      if (ofTopic[n] === 0 || counts[n] === 0) continue;
      scores.scored[n] = 1;
      scores.intercept[n] = notes.intercept[n];
      scores.factor[n] = notes.factor[n];
      scores.finalRatings[n] = notes.sums.count[n];
      const fitted = !Number.isNaN(notes.intercept[n]);
      scores.confident[n] =
        fitted && positive[n] > TOPIC_CONFIDENCE_RATINGS && negative[n] > TOPIC_CONFIDENCE_RATINGS
          ? 1
          : 0;
    }
  }
  return scores;
}

/**
 * §9 rule 6 (`ApplyTopicModelResult`): whether meta-scoring sends the note, if it is CRH or NYH,
 * to NEEDS_MORE_RATINGS: its topic model is confident in it and finds it below the topic's
 * helpfulness bar (intercept < 0.24) or polarising along the topic's own axis (|factor| > 0.51).
 */
export function topicVetoes(scores: TopicModelScores, note: number): boolean {
  return (
    scores.confident[note] === 1 &&
    (scores.intercept[note] < TOPIC_NMR_INTERCEPT_THRESHOLD ||
      Math.abs(scores.factor[note]) > TOPIC_NMR_FACTOR_THRESHOLD)
  );
}
