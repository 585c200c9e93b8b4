import { countDailyWrite, type Prisma } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';

export type QuotaKind = 'notes' | 'note_requests';

const WHAT: Record<QuotaKind, string> = { notes: 'notes', note_requests: 'note requests' };

/**
 * Counts one more write of `kind` for the pseudonym today (UTC) in the community, inside the
 * write's transaction, and refuses it once the day's quota is used; a refusal rolls the write
 * back with it. The quota is the community's override (`notesPerDay`, `noteRequestsPerDay`)
 * or else `defaultQuota` (the configuration's); 0: no quota, nothing counted.
 */
export async function countTowardsQuota(
  tx: Prisma.TransactionClient,
  community: { id: string },
  pseudonym: string,
  kind: QuotaKind,
  defaultQuota: number,
): Promise<void> {
  const { quota, counted } = await countDailyWrite(tx, community.id, pseudonym, kind, defaultQuota);
  if (!counted) {
    throw ApiError.of('DAILY_QUOTA_EXCEEDED', quota, WHAT[kind]).withDetails({ kind, quota });
  }
}
