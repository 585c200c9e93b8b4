// Orders a moderator's BLOCK of a pseudonym against a write of that pseudonym's being stored: a
// write buffered, a report, a note's deletion, a member's invite code. The block takes the
// (community, pseudonym) lock alone, each write shares it while it reads `blocked_pseudonyms`
// again and writes, so nothing is written for a pseudonym already blocked, and nothing is being
// written while it is blocked. The proof check's `isBlocked` reads before the write's
// transaction (behind a sealing, other submissions, the invite's standing reads): a block
// committed in between was missed there. Its own key space (27; the buffer's submissions take
// 25, a note's change 26). Taken before a note's change lock wherever both are (a rating's
// submission, a deletion), and by no transaction that holds one; the block takes it holding only
// the community's moderation lock (and a mirror's fence), which no write takes, so none of them
// waits for another in a circle. On the
// embedded database's one session the transactions run in turn, and the read again is what
// orders them.
import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

const keyOf = (communityId: string, pseudonym: string) => `${communityId}:${pseudonym}`;

/** In the transaction that blocks the pseudonym, before its row is written. */
export async function lockPseudonymForBlock(
  tx: Tx,
  communityId: string,
  pseudonym: string,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${keyOf(communityId, pseudonym)}, 27))`;
}

/**
 * In a transaction that buffers a write of the pseudonym, before it is written: whether the
 * pseudonym is blocked in the community, read under the shared lock.
 */
export async function blockedForWrite(
  tx: Tx,
  communityId: string,
  pseudonym: string,
): Promise<boolean> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${keyOf(communityId, pseudonym)}, 27))`;
  const row = await tx.blockedPseudonym.findUnique({
    where: { communityId_pseudonym: { communityId, pseudonym } },
    select: { pseudonym: true },
  });
  return row !== null;
}
