import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/** What a daily quota counts: the column of `pseudonym_daily_counts` it moves. */
export type DailyCountKind = 'notes' | 'note_requests';

export interface DailyCount {
  /** The quota in force: the community's override, or the default given; 0 means none. */
  quota: number;
  /** Whether the write was counted; false when the day's quota was already used. */
  counted: boolean;
}

/**
 * The one place that writes `pseudonym_daily_counts` (the daily quotas of notes and note
 * requests; only the UTC day is kept, never a finer time). In the caller's transaction: counts
 * one more write of `kind` for the pseudonym today, unless the community's quota (its override
 * column, else `defaultQuota`) is used; the counter only moves while under the quota (the
 * upsert's WHERE), so concurrent writes cannot overshoot it. A quota of 0 counts nothing.
 */
export async function countDailyWrite(
  tx: Tx,
  communityId: string,
  pseudonym: string,
  kind: DailyCountKind,
  defaultQuota: number,
): Promise<DailyCount> {
  // Column names come from the closed DailyCountKind, never from input.
  const counter = Prisma.raw(kind === 'notes' ? 'notes' : 'note_requests');
  const override = Prisma.raw(kind === 'notes' ? 'notes_per_day' : 'note_requests_per_day');
  const [row] = await tx.$queryRaw<{ quota: number; counted: number }[]>`
    WITH quota AS (
      SELECT COALESCE(${override}, ${defaultQuota}::int) AS q FROM communities WHERE id = ${communityId}::uuid
    ), counted AS (
      INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, ${counter})
      SELECT ${communityId}::uuid, ${pseudonym}, (now() AT TIME ZONE 'UTC')::date, 1
      FROM quota WHERE q > 0
      ON CONFLICT (community_id, pseudonym, day)
      DO UPDATE SET ${counter} = pseudonym_daily_counts.${counter} + 1
      WHERE pseudonym_daily_counts.${counter} < (SELECT q FROM quota)
      RETURNING 1
    )
    SELECT q AS quota, (SELECT count(*) FROM counted)::int AS counted FROM quota`;
  const quota = row?.quota ?? defaultQuota;
  return { quota, counted: quota === 0 || (row?.counted ?? 0) > 0 };
}

/**
 * Deletes every count of a day before today (UTC): a quota only reads today's row, so older ones
 * would only keep a record of who wrote on which day. Returns how many rows went.
 */
export function pruneDailyCounts(client: Pick<Tx, '$executeRaw'>): Promise<number> {
  return client.$executeRaw`
    DELETE FROM pseudonym_daily_counts WHERE day < (now() AT TIME ZONE 'UTC')::date`;
}
