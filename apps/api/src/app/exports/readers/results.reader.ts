import type { StatusHistoryJson } from '@bridgenotes/scoring';

import { afterId } from '../export-position';
import type { StreamReader } from './stream-reader';

/**
 * Each note's published status, explanation and status histories, in note id order, with the
 * history it started the base full run from when an incremental run rescored it since.
 */
export const resultsReader: StreamReader<'results'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.note.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      select: {
        id: true,
        status: true,
        scoredRunId: true,
        score: true,
        statusHistory: true,
        previousStatusHistory: true,
      },
      take,
    });
    // Kept only for the latest full run, and only for the notes incremental runs rescored since.
    const bases = await prisma.scoringBaseHistory.findMany({
      where: { noteId: { in: rows.map((note) => note.id) } },
      select: { runId: true, noteId: true, statusHistory: true },
    });
    const baseOf = new Map(bases.map((base) => [base.noteId, base]));
    return rows.map((note) => ({
      position: { kind: 'id', id: note.id },
      record: {
        cursor: note.id,
        noteId: note.id,
        status: note.status,
        runId: note.scoredRunId,
        score: note.score,
        history: note.statusHistory as StatusHistoryJson | null,
        previousHistory: note.previousStatusHistory as StatusHistoryJson | null,
        ...baseRecord(baseOf.get(note.id)),
      },
    }));
  },
};

const baseRecord = (base: { runId: string; statusHistory: unknown } | undefined) =>
  base && {
    base: { runId: base.runId, history: base.statusHistory as StatusHistoryJson | null },
  };
