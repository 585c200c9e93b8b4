import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place that reads and writes `pseudonym_daily_counts` (the daily quotas of notes and
// note requests; only the UTC day is kept, never a finer time), in the caller's transaction.

/** What a daily quota counts: the column of `pseudonym_daily_counts` it moves. */
export type DailyCountKind = 'notes' | 'note_requests';

/** The day as PostgreSQL reads a date, whatever the session's time zone. */
const dateText = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

/**
 * The daily quota of `kind` in force in the community: its override column (`notes_per_day`,
 * `note_requests_per_day`), else `defaultQuota`; 0 means none.
 */
export async function dailyQuota(
  tx: Tx,
  communityId: string,
  kind: DailyCountKind,
  defaultQuota: number,
): Promise<number> {
  const override = Prisma.raw(kind === 'notes' ? 'notes_per_day' : 'note_requests_per_day');
  const [row] = await tx.$queryRaw<{ quota: number }[]>`
    SELECT COALESCE(${override}, ${defaultQuota}::int) AS quota
      FROM communities WHERE id = ${communityId}::uuid`;
  return row?.quota ?? defaultQuota;
}

/** How many writes of `kind` the pseudonym has stored on the day (days since 1970-01-01, UTC). */
export async function dailyWritesStored(
  tx: Tx,
  communityId: string,
  pseudonym: string,
  kind: DailyCountKind,
  dayNumber: number,
): Promise<number> {
  const counter = Prisma.raw(kind === 'notes' ? 'notes' : 'note_requests');
  const [row] = await tx.$queryRaw<{ used: number }[]>`
    SELECT ${counter}::int AS used FROM pseudonym_daily_counts
     WHERE community_id = ${communityId}::uuid AND pseudonym = ${pseudonym}
       AND day = ${dateText(dayNumber)}::date`;
  return row?.used ?? 0;
}

/**
 * Counts one write of `kind` on the day it arrived, while the community has a quota of that kind
 * (its override, else `defaultQuota`): without a quota nothing is counted, so nothing records who
 * wrote on which day. It never refuses: the quota was checked when the write was answered
 * (before the write buffer sealed it).
 */
export async function countDailyWrite(
  tx: Tx,
  communityId: string,
  pseudonym: string,
  kind: DailyCountKind,
  dayNumber: number,
  defaultQuota: number,
): Promise<void> {
  // Column names come from the closed DailyCountKind, never from input.
  const counter = Prisma.raw(kind === 'notes' ? 'notes' : 'note_requests');
  const override = Prisma.raw(kind === 'notes' ? 'notes_per_day' : 'note_requests_per_day');
  await tx.$executeRaw`
    INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, ${counter})
    SELECT ${communityId}::uuid, ${pseudonym}, ${dateText(dayNumber)}::date, 1
      FROM communities
     WHERE id = ${communityId}::uuid AND COALESCE(${override}, ${defaultQuota}::int) > 0
    ON CONFLICT (community_id, pseudonym, day)
    DO UPDATE SET ${counter} = pseudonym_daily_counts.${counter} + 1`;
}

/**
 * Deletes every count of a day before today (UTC): a quota only reads today's row, so older ones
 * would only keep a record of who wrote on which day. Returns how many rows went.
 */
export function pruneDailyCounts(client: Pick<Tx, '$executeRaw'>): Promise<number> {
  return client.$executeRaw`
    DELETE FROM pseudonym_daily_counts WHERE day < (now() AT TIME ZONE 'UTC')::date`;
}
