import {
  DEFAULT_SEED,
  NoteStatus,
  RunInputBuilder,
  scoreNotes,
  shownStatus,
  type ShownStatus,
} from '@bridgenotes/scoring';

import type { ExportSource } from './export-source';

export interface RescoredNote {
  noteId: string;
  status: ShownStatus;
  published: ShownStatus | null;
}

/**
 * Scores an export now, as the instance's next run would: every note and rating, each note's
 * published status as its previous one. Returns each note's status beside the published one.
 */
export async function rescoreExport(
  source: ExportSource,
  seed = DEFAULT_SEED,
): Promise<{ notes: RescoredNote[]; inputHash: string; ratingCount: number }> {
  const published = new Map<string, ShownStatus>();
  for await (const result of source.records('results')) published.set(result.noteId, result.status);
  const builder = new RunInputBuilder();
  for await (const note of source.records('notes')) {
    builder.addNote({
      id: note.id,
      authorPseudonym: note.authorPseudonym,
      classification: note.classification,
      createdAtMs: Date.parse(note.createdAt),
      previouslyHelpful: published.get(note.id) === 'CURRENTLY_RATED_HELPFUL',
    });
  }
  for await (const rating of source.records('ratings')) builder.addRating(rating);
  const built = builder.build();
  const result = scoreNotes(built.input, { seed });
  return {
    notes: built.input.noteIds.map((noteId, index) => ({
      noteId,
      status: shownStatus(result.status[index] as NoteStatus),
      published: published.get(noteId) ?? null,
    })),
    inputHash: built.inputHash,
    ratingCount: built.ratingCount,
  };
}
