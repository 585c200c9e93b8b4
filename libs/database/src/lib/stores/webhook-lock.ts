// Orders the removal of a community's webhook against a scoring publication recording a delivery
// for it: the removal takes the community's webhook lock alone, a publication shares it while it
// reads whether the community has a webhook and records the delivery, so no delivery is recorded
// for a webhook already removed, and none is being recorded (unseen by the removal's drop of the
// deliveries not yet made) while it is removed. Without it, a removal committed between the
// publication's read and its commit would leave the run's delivery behind, sent to whatever
// receiver is set next. Not the community row's lock: joins lock the row at every sealing, and a
// publication sharing it would hold them up. Its own key space (28). A publication takes it last
// but for its cleanup, after its community's publication lock and its note rows; the removal
// takes it first and then touches only the community's row (taking no lock a publication holds)
// and its deliveries, so neither waits for the other in a circle.
import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/** In the transaction that removes the community's webhook, before it changes anything. */
export async function lockWebhookForRemoval(tx: Tx, communityId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${communityId}, 28))`;
}

/** In a publication's transaction, before it reads the community's webhook. */
export async function lockWebhookForDelivery(tx: Tx, communityId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${communityId}, 28))`;
}
