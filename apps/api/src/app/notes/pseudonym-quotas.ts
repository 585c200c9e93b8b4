import {
  countDailyWrite,
  dailyQuota,
  dailyWritesStored,
  type DailyCountKind,
  type Prisma,
} from '@bridgenotes/database';

import { ApiError } from '../common/api-error';

export type QuotaKind = DailyCountKind;

const WHAT: Record<QuotaKind, string> = { notes: 'notes', note_requests: 'note requests' };

/**
 * The UTC day a write counts on, as the number of days since 1970-01-01, of `ms` (the API's
 * `Clock`, so that a test fixes the day rather than race midnight).
 */
export const quotaDay = (ms: number) => Math.floor(ms / 86_400_000);

/**
 * Refuses a write once the pseudonym's quota of `kind` for `day` (a `quotaDay`, the one the write
 * counts on) in the community is used: what is stored (`pseudonym_daily_counts`) plus `waiting`,
 * its writes of that kind still in the write buffer for that day. Run inside the write buffer's
 * submission, under its lock on the pseudonym, so concurrent writes cannot overshoot it. The
 * quota is the community's override (`notesPerDay`, `noteRequestsPerDay`), else `defaultQuota`
 * (the configuration's); 0: none.
 */
export async function assertUnderQuota(
  tx: Prisma.TransactionClient,
  community: { id: string },
  pseudonym: string,
  kind: QuotaKind,
  defaultQuota: number,
  day: number,
  waiting: number,
): Promise<void> {
  const quota = await dailyQuota(tx, community.id, kind, defaultQuota);
  if (quota === 0) return;
  const used = await dailyWritesStored(tx, community.id, pseudonym, kind, day);
  if (used + waiting >= quota) {
    throw ApiError.of('DAILY_QUOTA_EXCEEDED', quota, WHAT[kind]).withDetails({ kind, quota });
  }
}

/**
 * Counts a sealed write on the day it arrived (its request checked the quota): never refuses,
 * since the write was answered 201 already. Counted per day, never with a finer time, and only
 * where a quota of `kind` is in force (`defaultQuota` as in `assertUnderQuota`).
 */
export function countTowardsQuota(
  tx: Prisma.TransactionClient,
  communityId: string,
  pseudonym: string,
  kind: QuotaKind,
  dayNumber: number,
  defaultQuota: number,
): Promise<void> {
  return countDailyWrite(tx, communityId, pseudonym, kind, dayNumber, defaultQuota);
}
