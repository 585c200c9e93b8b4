import { afterNumber, iso } from '../export-position';
import type { StreamReader } from './stream-reader';

/** Members in leaf order; the cursor is the leaf index. */
export const membersReader: StreamReader<'members'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.member.findMany({
      where: { communityId, leafIndex: { gt: afterNumber(after) } },
      orderBy: { leafIndex: 'asc' },
      take,
    });
    return rows.map((member) => ({
      position: { kind: 'number', value: member.leafIndex },
      record: {
        cursor: String(member.leafIndex),
        leafIndex: member.leafIndex,
        commitment: member.commitment,
        removedAt: iso(member.removedAt),
      },
    }));
  },
};
