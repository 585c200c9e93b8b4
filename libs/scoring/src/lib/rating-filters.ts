import { MIN_RATINGS_PER_NOTE, MIN_RATINGS_PER_RATER } from './constants';
import type { ScoringInput } from './scoring-input';

/** Ratings per note over the whole input: the `numRatings` of the ≥ 5 rules (§16 point 6). */
export function countRatingsPerNote(input: ScoringInput): Int32Array {
  const counts = new Int32Array(input.noteIds.length);
  for (const n of input.ratingNote) counts[n]++;
  return counts;
}

/**
 * §4.5: notes with < 5 ratings removed, then raters with < 10, then notes with < 5 again; one
 * back-and-forth pass, not iterated to a fixed point. Returns the kept rating indexes, ascending.
 */
export function filterRatingsForTraining(input: ScoringInput): Int32Array {
  const noteCounts = countRatingsPerNote(input);
  const raterCounts = new Int32Array(input.participantIds.length);
  const { ratingNote, ratingRater } = input;
  for (let i = 0; i < ratingNote.length; i++) {
    if (noteCounts[ratingNote[i]] >= MIN_RATINGS_PER_NOTE) raterCounts[ratingRater[i]]++;
  }
  const secondNoteCounts = new Int32Array(input.noteIds.length);
  const keepsFirstPass = (i: number): boolean =>
    noteCounts[ratingNote[i]] >= MIN_RATINGS_PER_NOTE &&
    raterCounts[ratingRater[i]] >= MIN_RATINGS_PER_RATER;
  for (let i = 0; i < ratingNote.length; i++) {
    if (keepsFirstPass(i)) secondNoteCounts[ratingNote[i]]++;
  }
  return selectRatings(
    input,
    (i) => keepsFirstPass(i) && secondNoteCounts[ratingNote[i]] >= MIN_RATINGS_PER_NOTE,
  );
}

/** Indexes of the ratings satisfying `keep`, ascending. */
export function selectRatings(input: ScoringInput, keep: (rating: number) => boolean): Int32Array {
  const total = input.ratingNote.length;
  const selected = new Int32Array(total);
  let count = 0;
  for (let i = 0; i < total; i++) if (keep(i)) selected[count++] = i;
  return selected.slice(0, count);
}

/** The subset of an ascending selection satisfying `keep`, still ascending. */
export function refineSelection(
  selection: Int32Array,
  keep: (rating: number) => boolean,
): Int32Array {
  const refined = new Int32Array(selection.length);
  let count = 0;
  for (const i of selection) if (keep(i)) refined[count++] = i;
  return refined.slice(0, count);
}

/**
 * The §5.2 baseline passes leave some raters out: the notes of `selection` they rated (1 per
 * note), or undefined when they rated none. A per-note refit reads the note's own ratings only,
 * so every other note keeps the full fit's figures bit for bit and only these need refitting.
 */
export function notesRatedBy(
  input: ScoringInput,
  selection: Int32Array,
  raters: Uint8Array | undefined,
): Uint8Array | undefined {
  if (!raters) return undefined;
  const rated = new Uint8Array(input.noteIds.length);
  let any = false;
  for (const i of selection) {
    if (raters[input.ratingRater[i]] !== 0) {
      rated[input.ratingNote[i]] = 1;
      any = true;
    }
  }
  return any ? rated : undefined;
}
