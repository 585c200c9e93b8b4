import type { Environment } from '@bridgenotes/config';

import type { BufferedRow } from './sealing-trial';

type SealingTimes = Pick<Environment, 'SEAL_WINDOW_SECONDS' | 'SEAL_MAX_WAIT_SECONDS'>;

/**
 * Windows the oldest waiting write of a group waits before it is due with fewer than K members:
 * SEAL_MAX_WAIT_SECONDS rounded up to whole windows; null: never by time.
 */
export function waitWindows(env: SealingTimes): number | null {
  return env.SEAL_MAX_WAIT_SECONDS > 0 && env.SEAL_WINDOW_SECONDS > 0
    ? Math.ceil(env.SEAL_MAX_WAIT_SECONDS / env.SEAL_WINDOW_SECONDS)
    : null;
}

/**
 * The longest a write waits for its batch, published with every community (clients wait for a
 * pending join by it) and said in the OpenAPI text (`SEALED_WRITE_DOC`): 0 where each is sealed
 * in its request (or by the next minute's check, should that fail); null where a batch waits for
 * K members however long. Otherwise the wait in whole windows plus one: a write is due once
 * `waitWindows` windows have begun after the one it arrived in (at its start, at the earliest),
 * and the next check, one every SEAL_WINDOW_SECONDS, comes within one more window.
 */
export function longestWaitSeconds(env: SealingTimes): number | null {
  if (env.SEAL_WINDOW_SECONDS === 0) return 0;
  const windows = waitWindows(env);
  return windows === null ? null : (windows + 1) * env.SEAL_WINDOW_SECONDS;
}

/** A (community, joins or not) group of waiting writes: how many members, and its oldest window. */
export interface Waiting {
  community_id: string;
  joins: boolean;
  members: number;
  oldest: bigint;
}

/** When a group is due, as of one check. */
export interface DueRule {
  /** SEAL_WINDOW_SECONDS=0: everything waiting is due (each would have been sealed alone). */
  immediate: boolean;
  /** K, SEAL_MIN_MEMBERS. */
  minMembers: number;
  /** Windows the oldest write waits before its group is due with fewer than K; null: never. */
  waitWindows: number | null;
  /** The check's window (`WriteBuffer.windowOf`). */
  now: bigint;
}

/** Due: K different members wait, or its oldest write waited the longest wait. */
export function isDue(group: Pick<Waiting, 'members' | 'oldest'>, rule: DueRule): boolean {
  return (
    rule.immediate ||
    group.members >= rule.minMembers ||
    (rule.waitWindows !== null && rule.now - BigInt(group.oldest) >= BigInt(rule.waitWindows))
  );
}

const groupKey = (row: BufferedRow) => `${row.kind === 'join'} ${row.community_id}`;

/**
 * The rows of those groups that are due over `rows` alone. A batch decides what is due over
 * every waiting row; once it leaves out the writes the database refuses (dropped, or held in the
 * buffer), the rest of a group may no longer make K members, and storing it would put each of
 * them in a batch of fewer (docs/threat-model.md: at least K, or past the longest wait). Such a
 * group keeps waiting, its members and oldest window counted over the rows it stores.
 */
export function dueOver(rows: BufferedRow[], rule: DueRule): BufferedRow[] {
  const actors = new Map<string, Set<string>>();
  const oldest = new Map<string, bigint>();
  for (const row of rows) {
    const key = groupKey(row);
    actors.set(key, (actors.get(key) ?? new Set<string>()).add(row.actor));
    const window = BigInt(row.arrived_window);
    const before = oldest.get(key);
    if (before === undefined || window < before) oldest.set(key, window);
  }
  const due = new Set(
    [...actors.keys()].filter((key) =>
      isDue({ members: actors.get(key)?.size ?? 0, oldest: oldest.get(key) ?? 0n }, rule),
    ),
  );
  return rows.filter((row) => due.has(groupKey(row)));
}
