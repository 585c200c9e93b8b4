import type { QueuePosition } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';
import { EARLIEST, LATEST, UUID } from '../common/cursor';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Cursors of the moderation queue, in its order: `d<day>|n<count>|<note id>`, never a time. */
export function encodeQueueCursor({ lastDay, count, noteId }: QueuePosition): string {
  return Buffer.from(`d${day(lastDay)}|n${count}|${noteId}`).toString('base64url');
}

export function decodeQueueCursor(cursor: string): QueuePosition {
  const match = /^d([0-9]{4}-[0-9]{2}-[0-9]{2})\|n([1-9][0-9]{0,9})\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  const lastDay = new Date(`${match?.[1]}T00:00:00Z`);
  const ms = lastDay.getTime();
  if (
    !match ||
    !UUID.test(match[3] as string) ||
    Number(match[2]) > 2_147_483_647 ||
    !(ms >= EARLIEST && ms < LATEST) ||
    day(lastDay) !== match[1]
  ) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return { lastDay, count: Number(match[2]), noteId: match[3] as string };
}
