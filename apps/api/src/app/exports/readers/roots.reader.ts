import { iso, packKey } from '../export-position';
import type { StreamReader } from './stream-reader';

/** The root history in history order: by time, then size (a join grows the tree), then id. */
export const rootsReader: StreamReader<'roots'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.groupRoot.findMany({
      where: {
        communityId,
        ...(after?.kind === 'timed' && {
          OR: [
            { createdAt: { gt: after.at } },
            { createdAt: after.at, size: { gt: after.size } },
            { createdAt: after.at, size: after.size, id: { gt: after.id } },
          ],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { size: 'asc' }, { id: 'asc' }],
      take,
    });
    return rows.map((root) => ({
      position: { kind: 'timed', at: root.createdAt, size: root.size, id: root.id },
      record: {
        cursor: packKey(root.createdAt.toISOString(), root.size, root.id),
        root: root.root,
        size: root.size,
        createdAt: root.createdAt.toISOString(),
        supersededAt: iso(root.supersededAt),
      },
    }));
  },
};
