import { errorCode, type Prisma } from '@bridgenotes/database';

import { isDataFault, UnisolatedFault } from './data-fault';
import { type DueRule, dueOver } from './due';
import type { Applier, BufferedKind, SealedEntry } from './write-buffer.service';

type Tx = Prisma.TransactionClient;

/** A write waiting in the buffer, as a batch reads it. */
export interface BufferedRow {
  id: string;
  community_id: string;
  kind: BufferedKind;
  /** The member it hides among its batch's: what counts towards K (`dueOver`). */
  actor: string;
  arrived_window: bigint;
  payload: unknown;
}

const entryOf = (row: BufferedRow): SealedEntry => ({
  communityId: row.community_id,
  payload: row.payload,
});

/**
 * Applies `rows` (sorted by kind in the batch's order) in their order: each run of one kind in
 * one call of its applier, as a batch stores them.
 */
export async function applyInOrder(
  tx: Tx,
  rows: BufferedRow[],
  applierOf: (kind: BufferedKind) => Applier,
): Promise<void> {
  for (let start = 0; start < rows.length;) {
    const kind = (rows[start] as BufferedRow).kind;
    let end = start + 1;
    while (end < rows.length && rows[end]?.kind === kind) end += 1;
    await applierOf(kind)(tx, rows.slice(start, end).map(entryOf));
    start = end;
  }
}

/** What a batch refused for its data stores: its writes without the refused ones. */
export interface WithoutRefused {
  /** The writes to store, in the batch's drawn order. */
  kept: BufferedRow[];
  /** Refused writes left in the buffer: every one of their kind was refused. */
  held: Set<string>;
  /** What the operator is told, once the batch is committed: kind, community and code only. */
  drops: string[];
}

/** A run of the batch: (kind, community) groups, or a part of one, in the batch's order. */
type Chunk = BufferedRow[][];

/** The chunk's two halves, in order: at the group boundary nearest its middle, else its middle. */
function halves(chunk: Chunk): [Chunk, Chunk] {
  if (chunk.length === 1) {
    const rows = chunk[0] as BufferedRow[];
    const middle = Math.ceil(rows.length / 2);
    return [[rows.slice(0, middle)], [rows.slice(middle)]];
  }
  const total = chunk.reduce((sum, group) => sum + group.length, 0);
  let [boundary, nearest, before] = [1, Infinity, 0];
  for (let at = 1; at < chunk.length; at += 1) {
    before += (chunk[at - 1] as BufferedRow[]).length;
    const distance = Math.abs(2 * before - total);
    if (distance < nearest) [boundary, nearest] = [at, distance];
  }
  return [chunk.slice(0, boundary), chunk.slice(boundary)];
}

/**
 * The batch's writes (`ordered`, in its drawn order, sorted by kind) without those the database
 * refuses for their data, found by a trial in the batch's transaction, rolled back whatever it
 * finds. The batch, refused whole (`refused`), is cut in two halves, each applied in order under
 * one savepoint: a half that stores stays applied for what follows it (a rating after the note
 * it rates, a join after the joins that fill the group before it); a half refused for its data
 * is rolled back to its savepoint and cut again, first at its (kind, community) groups'
 * boundaries, then in halves of a group, down to single writes only where a refused one is.
 * With f refused writes among n that is at most 2·f·log2(n) savepoints, not n, of which the
 * halves stored on the way, at most f·log2(n), hold a subtransaction (an xid) at once: past 64
 * in one transaction (PostgreSQL's PGPROC_MAX_CACHED_SUBXIDS) every other session's snapshot
 * checks read pg_subtrans for the transaction's life. Applied one write at a time, a batch of
 * tens of thousands (after an outage) also outran its transaction's timeout, and was retried
 * whole at every check.
 *
 * The trial is then rolled back, and the batch stores the kept writes the normal way: what it
 * commits is what a batch without the refused writes commits (one tree append, one root and one
 * invite codes' statement per community, the writes in their drawn interleaving), which the
 * trial's state is not where a community's writes were cut (its codes' rows updated in the
 * order of its leaves' halves). The rollback also ends the trial's subtransactions: released
 * ones would count as the transaction's until its end.
 *
 * Each refused write is told by its kind, community and the error's code only: never its
 * payload or its member. A trial where no write is refused alone (the batch fails only as one,
 * or the failure was not the data's after all) leaves the batch to the next check, as any
 * failure (`UnisolatedFault`). Where every write of a kind is refused (more than one), that is
 * likely a fault of the code or the schema (a constraint a newer migration added under an older
 * process), which no write's data explains: those stay in the buffer (`held`), for a later
 * batch, and the rest is sealed. A later batch with a write of that kind the database takes
 * drops them then; a fault of the code refuses every one until mended.
 */
export async function withoutRefused(
  tx: Tx,
  ordered: BufferedRow[],
  refused: unknown,
  applierOf: (kind: BufferedKind) => Applier,
): Promise<WithoutRefused> {
  /** Each refused write's error code, by its row. */
  const refusals = new Map<string, string>();
  /** The chunk's data fault, after rolling it back; null when it stored (and stays applied). */
  const attempt = async (rows: BufferedRow[]): Promise<unknown> => {
    await tx.$executeRaw`SAVEPOINT sealing_chunk`;
    let fault: unknown = null;
    try {
      await applyInOrder(tx, rows, applierOf);
    } catch (error) {
      if (!isDataFault(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT sealing_chunk`;
      fault = error;
    }
    await tx.$executeRaw`RELEASE SAVEPOINT sealing_chunk`;
    return fault;
  };
  const bisect = async (chunk: Chunk, refusedWhole: boolean): Promise<void> => {
    const rows = chunk.flat();
    if (!refusedWhole || rows.length === 1) {
      const error = await attempt(rows);
      if (error === null) return;
      if (rows.length === 1) {
        refusals.set((rows[0] as BufferedRow).id, errorCode(error));
        return;
      }
    }
    for (const half of halves(chunk)) await bisect(half, false);
  };
  const groups = new Map<string, BufferedRow[]>();
  for (const row of ordered) {
    const key = `${row.kind} ${row.community_id}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  await tx.$executeRaw`SAVEPOINT sealing_trial`;
  // The whole batch was just refused: not tried again.
  await bisect([...groups.values()], true);
  await tx.$executeRaw`ROLLBACK TO SAVEPOINT sealing_trial`;
  await tx.$executeRaw`RELEASE SAVEPOINT sealing_trial`;
  if (refusals.size === 0) throw new UnisolatedFault(refused);
  return { kept: ordered.filter((row) => !refusals.has(row.id)), ...told(ordered, refusals) };
}

/** The refused writes held in the buffer (`withoutRefused`), and what the operator is told. */
function told(
  ordered: BufferedRow[],
  refusals: Map<string, string>,
): Pick<WithoutRefused, 'held' | 'drops'> {
  const held = new Set<string>();
  const drops: string[] = [];
  for (const kind of new Set(ordered.map((row) => row.kind))) {
    const ofKind = ordered.filter((row) => row.kind === kind);
    if (ofKind.length < 2 || !ofKind.every((row) => refusals.has(row.id))) continue;
    for (const row of ofKind) held.add(row.id);
    drops.push(
      `sealing keeps all of the batch's ${ofKind.length} ${kind} writes in the buffer: the ` +
        'database refuses every one, a fault of the code or the schema more likely than of ' +
        'their data',
    );
  }
  const lost = ordered.filter((row) => refusals.has(row.id) && !held.has(row.id));
  for (const row of lost) {
    drops.push(
      `sealing dropped a buffered ${row.kind} write of community ${row.community_id} that ` +
        `the database refuses (${refusals.get(row.id)}): answered 201, it will never be stored`,
    );
  }
  if (lost.length > 0) {
    drops.push(
      `sealing dropped ${lost.length} of the batch's ${ordered.length} writes; stored the rest`,
    );
  }
  return { held, drops };
}

/**
 * A batch refused for its data with nothing left to store or drop once the refused writes are
 * held and the groups under K wait: rolled back whole, so the check changes nothing, the batch
 * counter included. What the operator is told comes with it.
 */
export class NothingSealed extends Error {
  constructor(readonly drops: string[]) {
    super('nothing to seal without the refused writes');
  }
}

/**
 * What a batch refused for its data stores, and what it removes from the buffer: the writes
 * stored and those dropped (`withoutRefused`). A group whose kept writes no longer make it due
 * keeps waiting (`dueOver`), neither stored nor removed: the refused writes' members, held or
 * dropped, count towards no batch, or a batch due at K that drops one would store K − 1, and
 * held writes of K members would make every later write of their community due alone.
 */
export async function storedWithoutRefused(
  tx: Tx,
  ordered: BufferedRow[],
  refused: unknown,
  rule: DueRule,
  applierOf: (kind: BufferedKind) => Applier,
): Promise<{ stored: BufferedRow[]; removed: BufferedRow[]; drops: string[] }> {
  const trial = await withoutRefused(tx, ordered, refused, applierOf);
  const stored = dueOver(trial.kept, rule);
  const kept = new Set(trial.kept.map((row) => row.id));
  const dropped = ordered.filter((row) => !kept.has(row.id) && !trial.held.has(row.id));
  const drops = [...trial.drops];
  const waiting = trial.kept.length - stored.length;
  if (waiting > 0) {
    drops.push(
      `sealing leaves ${waiting} of the rest waiting: without the refused writes their ` +
        "community's batch would hide fewer than SEAL_MIN_MEMBERS members",
    );
  }
  if (stored.length === 0 && dropped.length === 0) throw new NothingSealed(drops);
  return { stored, removed: [...stored, ...dropped], drops };
}
