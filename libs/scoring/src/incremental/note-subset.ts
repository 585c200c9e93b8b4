import type { ScoringInput } from '../lib/scoring-input';

/**
 * The input restricted to some notes (`notes`: ascending indexes), each with all its ratings:
 * what frozen scoring reads. Participants and posts keep their indexes, so every rater column
 * of the whole input applies to the subset as it is.
 */
export function notesSubset(input: ScoringInput, notes: Int32Array): ScoringInput {
  const position = new Int32Array(input.noteIds.length).fill(-1);
  notes.forEach((n, k) => (position[n] = k));
  const kept: number[] = [];
  for (let i = 0; i < input.ratingNote.length; i++) {
    if (position[input.ratingNote[i]] >= 0) kept.push(i);
  }
  const pickNotes = <T extends Int32Array | Uint8Array | Float64Array>(column: T): T => {
    const next = new (column.constructor as new (length: number) => T)(notes.length);
    notes.forEach((n, k) => (next[k] = column[n]));
    return next;
  };
  const pickRatings = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(
    column: T,
  ): T => {
    const next = new (column.constructor as new (length: number) => T)(kept.length);
    kept.forEach((i, k) => (next[k] = column[i]));
    return next;
  };
  return {
    ...input,
    noteIds: Array.from(notes, (n) => input.noteIds[n]),
    noteAuthor: pickNotes(input.noteAuthor),
    noteCreatedAtMs: pickNotes(input.noteCreatedAtMs),
    noteMisleading: pickNotes(input.noteMisleading),
    notePost: pickNotes(input.notePost),
    noteLatestNonNmrStatusMs: pickNotes(input.noteLatestNonNmrStatusMs),
    notePreviouslyHelpful: pickNotes(input.notePreviouslyHelpful),
    noteHistory: Array.from(notes, (n) => input.noteHistory[n]),
    noteText: Array.from(notes, (n) => input.noteText[n]),
    ratingNote: Int32Array.from(kept, (i) => position[input.ratingNote[i]]),
    ratingRater: pickRatings(input.ratingRater),
    ratingLevel: pickRatings(input.ratingLevel),
    ratingCreatedAtMs: pickRatings(input.ratingCreatedAtMs),
    ratingTags: pickRatings(input.ratingTags),
  };
}
