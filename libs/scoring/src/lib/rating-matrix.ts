import { countingSort, helpfulnessValue, type ScoringInput } from './scoring-input';

/**
 * A subset of the ratings in the two compressed sparse layouts the alternating solver reads:
 * grouped by note (for the note step) and grouped by rater (for the rater step). Indexes stay
 * the input's global note and participant indexes; a note or rater without ratings here simply
 * has an empty range.
 */
export interface RatingMatrix {
  readonly noteCount: number;
  readonly raterCount: number;
  /** Number of ratings. */
  readonly size: number;
  /** Notes and raters with at least one rating in the subset. */
  readonly activeNotes: number;
  readonly activeRaters: number;
  readonly noteStart: Int32Array;
  readonly noteRater: Int32Array;
  readonly noteValue: Float32Array;
  readonly raterStart: Int32Array;
  readonly raterNote: Int32Array;
  readonly raterValue: Float32Array;
}

/**
 * Builds the matrix of the ratings whose indexes are in `selection` (ascending, so already
 * grouped by note because the input is sorted by note). O(ratings), two counting sorts.
 * Float32 holds the values 0, 0.5 and 1 exactly at half the memory of Float64.
 */
export function buildRatingMatrix(input: ScoringInput, selection: Int32Array): RatingMatrix {
  const noteCount = input.noteIds.length;
  const raterCount = input.participantIds.length;
  const size = selection.length;
  const noteStart = new Int32Array(noteCount + 1);
  const noteRater = new Int32Array(size);
  const noteValue = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const i = selection[k];
    noteStart[input.ratingNote[i] + 1]++;
    noteRater[k] = input.ratingRater[i];
    noteValue[k] = helpfulnessValue(input.ratingLevel[i]);
  }
  let activeNotes = 0;
  for (let n = 0; n < noteCount; n++) {
    if (noteStart[n + 1] > 0) activeNotes++;
    noteStart[n + 1] += noteStart[n];
  }

  const positions = new Int32Array(size);
  for (let k = 0; k < size; k++) positions[k] = k;
  const byRater = countingSort(noteRater, raterCount, positions);
  const raterStart = new Int32Array(raterCount + 1);
  const raterNote = new Int32Array(size);
  const raterValue = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const position = byRater[k];
    raterStart[noteRater[position] + 1]++;
    raterNote[k] = input.ratingNote[selection[position]];
    raterValue[k] = noteValue[position];
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
    noteValue,
    raterStart,
    raterNote,
    raterValue,
  };
}

/**
 * The matrix of `matrix`'s ratings by the raters with `keep[u] === 1`, laid out exactly as
 * `buildRatingMatrix` lays out that selection (§5.1 step 7's final round keeps whole raters of
 * round one): each note's range filtered in order, and the kept raters' ranges copied as they
 * are, without sorting the ratings again.
 */
export function raterSubMatrix(matrix: RatingMatrix, keep: Uint8Array): RatingMatrix {
  const { noteCount, raterCount } = matrix;
  let size = 0;
  let activeRaters = 0;
  for (let u = 0; u < raterCount; u++) {
    const count = matrix.raterStart[u + 1] - matrix.raterStart[u];
    if (keep[u] === 1 && count > 0) {
      size += count;
      activeRaters++;
    }
  }
  const noteStart = new Int32Array(noteCount + 1);
  const noteRater = new Int32Array(size);
  const noteValue = new Float32Array(size);
  let activeNotes = 0;
  let kept = 0;
  for (let n = 0; n < noteCount; n++) {
    const first = kept;
    for (let k = matrix.noteStart[n]; k < matrix.noteStart[n + 1]; k++) {
      const u = matrix.noteRater[k];
      if (keep[u] !== 1) continue;
      noteRater[kept] = u;
      noteValue[kept++] = matrix.noteValue[k];
    }
    if (kept > first) activeNotes++;
    noteStart[n + 1] = kept;
  }
  const raterStart = new Int32Array(raterCount + 1);
  const raterNote = new Int32Array(size);
  const raterValue = new Float32Array(size);
  kept = 0;
  for (let u = 0; u < raterCount; u++) {
    if (keep[u] === 1) {
      const from = matrix.raterStart[u];
      const to = matrix.raterStart[u + 1];
      raterNote.set(matrix.raterNote.subarray(from, to), kept);
      raterValue.set(matrix.raterValue.subarray(from, to), kept);
      kept += to - from;
    }
    raterStart[u + 1] = kept;
  }
  return {
    noteCount,
    raterCount,
    size,
    activeNotes,
    activeRaters,
    noteStart,
    noteRater,
    noteValue,
    raterStart,
    raterNote,
    raterValue,
  };
}
