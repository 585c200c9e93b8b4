import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place that writes `member_invite_days`: how many invite codes a community's members
// created by proof on its latest UTC day (one row per community; only the day is kept).

/**
 * Counts one member-created invite code on `dayNumber` (days since 1970-01-01, UTC) unless the
 * community's members already created `limit` codes that day; false when the cap is reached.
 * One statement under the row's lock, in the caller's transaction (the code's): concurrent codes
 * cannot overshoot the cap, and a code that is not created (its transaction rolled back) is not
 * counted. A process whose clock is behind another's counts on the later day already stored.
 */
export async function countMemberInvite(
  tx: Tx,
  communityId: string,
  dayNumber: number,
  limit: number,
): Promise<boolean> {
  const day = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
  const counted = await tx.$executeRaw`
    INSERT INTO member_invite_days AS d (community_id, day, created)
    VALUES (${communityId}::uuid, ${day}::date, 1)
    ON CONFLICT (community_id) DO UPDATE
       SET day = GREATEST(d.day, EXCLUDED.day),
           created = CASE WHEN d.day < EXCLUDED.day THEN 1 ELSE d.created + 1 END
     WHERE d.day < EXCLUDED.day OR d.created < ${limit}::int`;
  return counted === 1;
}
