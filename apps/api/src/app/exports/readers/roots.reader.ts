import type { PrismaService } from '@bridgenotes/database';

import { iso, packKey, type Position } from '../export-position';
import type { StreamReader } from './stream-reader';

/**
 * Where a read resumes: after the root the cursor names. Its cursor still packs the root's
 * time, size and id, the order's key before `seq` (a mirror holds its last one across an
 * upgrade); one naming no root of the community (none is ever deleted: a made-up one, another
 * community's) resumes after the roots at or before its time and size, as it did then.
 */
async function resumeAfter(
  prisma: PrismaService,
  communityId: string,
  after: Position | undefined,
): Promise<number> {
  if (after?.kind !== 'timed') return -1;
  const named = await prisma.groupRoot.findFirst({
    where: { communityId, id: after.id },
    select: { seq: true },
  });
  if (named) return named.seq;
  const before = await prisma.groupRoot.findFirst({
    where: {
      communityId,
      OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, size: { lte: after.size } }],
    },
    orderBy: { seq: 'desc' },
    select: { seq: true },
  });
  return before?.seq ?? -1;
}

/**
 * The root history in history order: `seq`, the order the roots were recorded in (a mirror's,
 * its origin's). Times never decrease along it, but two roots may bear the same time.
 */
export const rootsReader: StreamReader<'roots'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.groupRoot.findMany({
      where: { communityId, seq: { gt: await resumeAfter(prisma, communityId, after) } },
      orderBy: { seq: 'asc' },
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
