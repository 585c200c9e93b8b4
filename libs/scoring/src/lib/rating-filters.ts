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
  // Plain loops over the columns: a per-rating predicate closure costs several times the work.
  const { ratingNote, ratingRater } = input;
  const total = ratingNote.length;
  const minPerNote = MIN_RATINGS_PER_NOTE;
  const minPerRater = MIN_RATINGS_PER_RATER;
  const noteCounts = countRatingsPerNote(input);
  const raterCounts = new Int32Array(input.participantIds.length);
  for (let i = 0; i < total; i++) {
    if (noteCounts[ratingNote[i]] >= minPerNote) raterCounts[ratingRater[i]]++;
  }
  // 1 for the ratings the first pass keeps (note with ≥ 5, then rater with ≥ 10).
  const keptFirst = new Uint8Array(total);
  const secondNoteCounts = new Int32Array(input.noteIds.length);
  for (let i = 0; i < total; i++) {
    const n = ratingNote[i];
    if (noteCounts[n] >= minPerNote && raterCounts[ratingRater[i]] >= minPerRater) {
      keptFirst[i] = 1;
      secondNoteCounts[n]++;
    }
  }
  const selected = new Int32Array(total);
  let count = 0;
  for (let i = 0; i < total; i++) {
    if (keptFirst[i] === 1 && secondNoteCounts[ratingNote[i]] >= minPerNote) selected[count++] = i;
  }
  return selected.slice(0, count);
}

/**
 * Indexes of the ratings (of the ascending `selection`, or of all) whose note and rater the
 * masks keep (1 = keep; no mask keeps every one), ascending. Masks rather than a predicate: the
 * hot selections run over a million ratings, where a closure call per rating costs most of it.
 */
export function ratingsKept(
  input: ScoringInput,
  keepNote: Uint8Array | undefined,
  keepRater: Uint8Array | undefined,
  selection?: Int32Array,
): Int32Array {
  const { ratingNote, ratingRater } = input;
  const total = selection ? selection.length : ratingNote.length;
  const kept = new Int32Array(total);
  let count = 0;
  for (let k = 0; k < total; k++) {
    const i = selection ? selection[k] : k;
    if (keepNote && keepNote[ratingNote[i]] !== 1) continue;
    if (keepRater && keepRater[ratingRater[i]] !== 1) continue;
    kept[count++] = i;
  }
  return kept.slice(0, count);
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

/** The complement of a participant mask: 1 for everyone `raters` leaves out. */
export function othersThan(raters: Uint8Array): Uint8Array {
  return Uint8Array.from(raters, (flag) => (flag === 0 ? 1 : 0));
}
