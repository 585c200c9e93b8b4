import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place that writes `member_invite_days`: how many invite codes a community's members
// created by proof on its latest UTC day, and how many members joined by such codes on its latest
// join day (one row per community; only the days are kept).

/** `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC). */
const dateOf = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

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
  const day = dateOf(dayNumber);
  const counted = await tx.$executeRaw`
    INSERT INTO member_invite_days AS d (community_id, day, created)
    VALUES (${communityId}::uuid, ${day}::date, 1)
    ON CONFLICT (community_id) DO UPDATE
       SET day = GREATEST(d.day, EXCLUDED.day),
           created = CASE WHEN d.day < EXCLUDED.day THEN 1 ELSE d.created + 1 END
     WHERE d.day < EXCLUDED.day OR d.created < ${limit}::int`;
  return counted === 1;
}

/**
 * The community's latest day (days since 1970-01-01, UTC) with joins by member codes stored, and
 * how many: null before the first.
 */
export async function memberJoinsDay(
  tx: Tx,
  communityId: string,
): Promise<{ day: number; joined: number } | null> {
  const [row] = await tx.$queryRaw<{ day: Date | null; joined: number }[]>`
    SELECT joined_day AS day, joined FROM member_invite_days
     WHERE community_id = ${communityId}::uuid`;
  if (!row?.day) return null;
  return { day: Math.floor(row.day.getTime() / 86_400_000), joined: row.joined };
}

/**
 * Counts `joined` joins by member codes, answered on `dayNumber`, in the sealed batch that stores
 * them (checked against the cap when each was answered). Joins of a day before the latest one
 * counted are not: the cap is only ever checked for the latest day.
 */
export async function countMemberJoins(
  tx: Tx,
  communityId: string,
  dayNumber: number,
  joined: number,
): Promise<void> {
  const day = dateOf(dayNumber);
  await tx.$executeRaw`
    INSERT INTO member_invite_days AS d (community_id, day, created, joined_day, joined)
    VALUES (${communityId}::uuid, ${day}::date, 0, ${day}::date, ${joined}::int)
    ON CONFLICT (community_id) DO UPDATE
       SET joined_day = EXCLUDED.joined_day,
           joined = CASE WHEN d.joined_day = EXCLUDED.joined_day
                         THEN d.joined + EXCLUDED.joined ELSE EXCLUDED.joined END
     WHERE d.joined_day IS NULL OR d.joined_day <= EXCLUDED.joined_day`;
}
