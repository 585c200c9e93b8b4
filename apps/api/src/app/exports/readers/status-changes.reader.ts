import { afterNumber } from '../export-position';
import type { StreamReader } from './stream-reader';

/** Every published status change, in the order runs made them. */
export const statusChangesReader: StreamReader<'status-changes'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.noteStatusChange.findMany({
      where: { note: { communityId }, id: { gt: BigInt(afterNumber(after)) } },
      orderBy: { id: 'asc' },
      take,
    });
    return rows.map((change) => ({
      position: { kind: 'number', value: Number(change.id) },
      record: {
        cursor: change.id.toString(),
        id: change.id.toString(),
        noteId: change.noteId,
        runId: change.runId,
        previous: change.previous,
        next: change.next,
        changedAt: change.changedAt.toISOString(),
      },
    }));
  },
};
