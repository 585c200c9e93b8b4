import type { Prisma } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';

export type QuotaKind = 'notes' | 'note_requests';

const WHAT: Record<QuotaKind, string> = { notes: 'notes', note_requests: 'note requests' };

/**
 * Counts one more write of `kind` for the pseudonym today (UTC) in the community, inside the
 * write's transaction, and refuses it once the day's quota is used: the counter only moves
 * while under the quota (the upsert's WHERE), so concurrent writes cannot overshoot it, and a
 * refusal rolls the write back with it. `quota` 0: no quota, nothing counted.
 */
export async function countTowardsQuota(
  tx: Prisma.TransactionClient,
  community: { id: string },
  pseudonym: string,
  kind: QuotaKind,
  quota: number,
): Promise<void> {
  if (quota === 0) return;
  // The column name comes from the closed QuotaKind, never from input.
  const counted =
    kind === 'notes'
      ? await tx.$executeRaw`
          INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, notes)
          VALUES (${community.id}::uuid, ${pseudonym}, (now() AT TIME ZONE 'UTC')::date, 1)
          ON CONFLICT (community_id, pseudonym, day)
          DO UPDATE SET notes = pseudonym_daily_counts.notes + 1
          WHERE pseudonym_daily_counts.notes < ${quota}`
      : await tx.$executeRaw`
          INSERT INTO pseudonym_daily_counts (community_id, pseudonym, day, note_requests)
          VALUES (${community.id}::uuid, ${pseudonym}, (now() AT TIME ZONE 'UTC')::date, 1)
          ON CONFLICT (community_id, pseudonym, day)
          DO UPDATE SET note_requests = pseudonym_daily_counts.note_requests + 1
          WHERE pseudonym_daily_counts.note_requests < ${quota}`;
  if (counted === 0) {
    throw ApiError.of('DAILY_QUOTA_EXCEEDED', quota, WHAT[kind]).withDetails({ kind, quota });
  }
}
