import { logEntryOf } from '@bridgenotes/database';

import { afterNumber } from '../export-position';
import type { StreamReader } from './stream-reader';

/** The public moderation log in chain order; the cursor is the entry's seq. */
export const moderationReader: StreamReader<'moderation'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.moderationLogEntry.findMany({
      where: { communityId, seq: { gt: afterNumber(after) } },
      orderBy: { seq: 'asc' },
      take,
    });
    return rows.map((row) => ({
      position: { kind: 'number', value: row.seq },
      record: { cursor: String(row.seq), ...logEntryOf(row) },
    }));
  },
};
