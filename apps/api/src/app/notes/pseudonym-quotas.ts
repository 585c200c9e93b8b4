import type { Prisma } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';

export type QuotaKind = 'notes' | 'note_requests';

const WHAT: Record<QuotaKind, string> = { notes: 'notes', note_requests: 'note requests' };

/** The UTC day a write counts on, as the number of days since 1970-01-01. */
export const quotaDay = (ms = Date.now()) => Math.floor(ms / 86_400_000);

/** The day as PostgreSQL reads a date, whatever the session's time zone. */
const dateText = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

/**
 * Refuses a write once the pseudonym's quota of `kind` for today (UTC) in the community is used:
 * what is stored (`pseudonym_daily_counts`) plus `waiting`, its writes of that kind still in the
 * write buffer for today. Run inside the write buffer's submission, under its lock on the
 * pseudonym, so concurrent writes cannot overshoot it. `quota` 0: no quota.
 */
export async function assertUnderQuota(
  tx: Prisma.TransactionClient,
  community: { id: string },
  pseudonym: string,
  kind: QuotaKind,
  quota: number,
  waiting: number,
): Promise<void> {
  if (quota === 0) return;
  const day = dateText(quotaDay());
  const [row] = await tx.$queryRaw<{ used: number }[]>`
    SELECT (CASE WHEN ${kind} = 'notes' THEN notes ELSE note_requests END)::int AS used
      FROM pseudonym_daily_counts
     WHERE community_id = ${community.id}::uuid AND pseudonym = ${pseudonym} AND day = ${day}::date`;
  if ((row?.used ?? 0) + waiting >= quota) {
    throw ApiError.of('DAILY_QUOTA_EXCEEDED', quota, WHAT[kind]).withDetails({ kind, quota });
  }
}

/**
 * Counts a sealed write on the day it arrived (its request checked the quota): never refuses,
 * since the write was answered 201 already. Counted per day, never with a finer time.
 */
export async function countTowardsQuota(
  tx: Prisma.TransactionClient,
  communityId: string,
  pseudonym: string,
  kind: QuotaKind,
  dayNumber: number,
): Promise<void> {
  const day = dateText(dayNumber);
  // The column name comes from the closed QuotaKind, never from input.
  if (kind === 'notes') {
    await tx.$executeRaw`
      INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, notes)
      VALUES (${communityId}::uuid, ${pseudonym}, ${day}::date, 1)
      ON CONFLICT (community_id, pseudonym, day)
      DO UPDATE SET notes = pseudonym_daily_counts.notes + 1`;
  } else {
    await tx.$executeRaw`
      INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, note_requests)
      VALUES (${communityId}::uuid, ${pseudonym}, ${day}::date, 1)
      ON CONFLICT (community_id, pseudonym, day)
      DO UPDATE SET note_requests = pseudonym_daily_counts.note_requests + 1`;
  }
}
