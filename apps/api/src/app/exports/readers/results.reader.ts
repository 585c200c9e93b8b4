import type { StatusHistoryJson } from '@bridgenotes/scoring';

import { afterId } from '../export-position';
import type { StreamReader } from './stream-reader';

/** Each note's published status, explanation and status histories, in note id order. */
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
      },
    }));
  },
};
