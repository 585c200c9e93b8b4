import { ApiError } from './api-error';

/** The checks every cursor's parts share (here, the export's and the mirrors'). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Any real row falls well inside these years; anything else is a forged cursor (and the driver
// cannot send year 0).
export const EARLIEST = Date.UTC(2000, 0, 1);
export const LATEST = Date.UTC(2200, 0, 1);

export interface Position {
  at: Date;
  id: string;
}

/** Keyset pagination cursors: a row's (time, id), opaque to clients. */
export function encodeCursor({ at, id }: Position): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const [time, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(time ?? '');
  const ms = at.getTime();
  if (extra !== undefined || !UUID.test(id ?? '') || !(ms >= EARLIEST && ms < LATEST)) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return { at, id: id as string };
}

/** Cursors of lists ordered by a count (descending) then id: `n<count>|<id>`, never a time. */
export function encodeCountCursor({ count, id }: { count: number; id: string }): string {
  return Buffer.from(`n${count}|${id}`).toString('base64url');
}

export function decodeCountCursor(cursor: string): { count: number; id: string } {
  const match = /^n(0|[1-9][0-9]{0,9})\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!match || !UUID.test(match[2] as string) || Number(match[1]) > 2_147_483_647) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return { count: Number(match[1]), id: match[2] as string };
}

/** Cursors of lists ordered by a uuid alone. */
export function encodeIdCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!UUID.test(id)) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return id;
}

/** A page of a keyset-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The page out of rows fetched with `take: limit + 1`: the extra row only tells that more follow,
 * and the cursor then points after the page's last row.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}
