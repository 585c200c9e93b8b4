import { CHANGE_STREAMS, type ChangeStream, type ExportStream } from '@bridgenotes/open-data';
import { isInt64Text } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import { EARLIEST, LATEST, UUID } from '../common/cursor';

/** Where a stream's read resumes: the sort key of the last record sent, by the stream's order. */
export type Position =
  | { kind: 'id'; id: string }
  | { kind: 'number'; value: number }
  | { kind: 'timed'; at: Date; size: number; id: string }
  | { kind: 'change'; batch: bigint; id: string };

/** How a stream is read: by its own order, or by change (below a batch horizon). */
export type ReadOrder = { kind: 'id' } | { kind: 'changes'; before?: bigint };

/** A record with the position a read resumes after it. */
export interface Positioned<R> {
  record: R;
  position: Position;
}

export const isChangeStream = (stream: ExportStream): stream is ChangeStream =>
  (CHANGE_STREAMS as readonly string[]).includes(stream);

const badCursor = () =>
  new ApiError('CURSOR_INVALID', 'after is not the cursor of a record of this stream');

/** Cursors of streams ordered by more than one column: the row's sort key, opaque to clients. */
export const packKey = (...parts: (string | number)[]) =>
  Buffer.from(parts.join('|')).toString('base64url');

function unpackKey(cursor: string, count: number): string[] {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  if (parts.length !== count) throw badCursor();
  return parts;
}

/** leafIndex and seq are 32-bit columns. */
const INT32_MAX = 2_147_483_647;

function timeOf(text: string | undefined): Date {
  const at = new Date(text ?? '');
  const ms = at.getTime();
  if (!(ms >= EARLIEST && ms < LATEST)) throw badCursor();
  return at;
}

export const iso = (at: Date | null) => at?.toISOString() ?? null;

/** Reads `after` for the stream and order; a cursor of anything else is a 400. */
export function parsePosition(stream: ExportStream, after: string, order: ReadOrder): Position {
  if (order.kind === 'changes') {
    const [batch, id] = unpackKey(after, 2);
    if (!UUID.test(id ?? '') || !isInt64Text(batch ?? '')) throw badCursor();
    return { kind: 'change', batch: BigInt(batch as string), id: id as string };
  }
  switch (stream) {
    case 'members':
    case 'moderation':
      if (!/^[0-9]{1,10}$/.test(after) || Number(after) > INT32_MAX) throw badCursor();
      return { kind: 'number', value: Number(after) };
    case 'status-changes':
      // A bigint column: 18 digits always fit.
      if (!/^[0-9]{1,18}$/.test(after)) throw badCursor();
      return { kind: 'number', value: Number(after) };
    case 'roots':
    case 'runs': {
      const [at, size, id] = unpackKey(after, 3);
      if (!UUID.test(id ?? '') || !/^[0-9]{1,9}$/.test(size ?? '')) throw badCursor();
      return { kind: 'timed', at: timeOf(at), size: Number(size), id: id as string };
    }
    case 'standings':
      // Standings are read in pseudonym order (a nullifier, or a seeded example name).
      if (!/^[\x21-\x7e]{1,80}$/.test(after)) throw badCursor();
      return { kind: 'id', id: after };
    default:
      if (!UUID.test(after)) throw badCursor();
      return { kind: 'id', id: after };
  }
}

/** Keyset filters for the positions the streams read after. */
export const afterId = (after: Position | undefined) =>
  after?.kind === 'id' ? { id: { gt: after.id } } : {};
export const afterNumber = (after: Position | undefined) =>
  after?.kind === 'number' ? after.value : -1;

/** Records of a change stream changed below `below`, after the change `after`, in change order. */
export function changedAfter(communityId: string, after: Position | undefined, below: bigint) {
  return {
    communityId,
    changedBatch: { lt: below },
    ...(after?.kind === 'change' && {
      OR: [
        { changedBatch: { gt: after.batch } },
        { changedBatch: after.batch, id: { gt: after.id } },
      ],
    }),
  };
}
/** Batch, then id: ids are random, so the order within a batch says nothing about arrival. */
export const CHANGE_ORDER = [{ changedBatch: 'asc' as const }, { id: 'asc' as const }];

/** A record in change order: its cursor is the change's key. */
export const changePositioned = <R extends { cursor: string }>(
  batch: bigint,
  id: string,
  record: R,
): Positioned<R> => ({
  position: { kind: 'change', batch, id },
  record: { ...record, cursor: packKey(batch.toString(), id) },
});
