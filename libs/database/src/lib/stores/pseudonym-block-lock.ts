// Orders a moderator's BLOCK of a pseudonym against a write of that pseudonym's being buffered
// (or a report being stored): the block takes the (community, pseudonym) lock alone, each
// submission shares it while it reads
// `blocked_pseudonyms` again and buffers, so no write is buffered for a pseudonym already
// blocked, and none is being buffered while it is blocked. The proof check's `isBlocked` reads
// before the submission queues (behind a sealing, other submissions): a block committed in
// between was missed there. Its own key space (27; the buffer's submissions take 25, a note's
// change 26). On the embedded database's one session the transactions run in turn, and the read
// again is what orders them.
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
