import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place for statements on used tickets (`credential_ticket_uses`): the API's CREDENTIAL
// join records each use, and deletes them by age before it does, as the worker's daily pruning
// does (a community where nobody joins any more would otherwise keep its last uses for ever).

/**
 * Clocks of an issuer and this instance may differ this much: a ticket is accepted until this
 * long after its `exp`, so its use is kept at least as long.
 */
export const TICKET_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * How much longer a use is kept, by the database's clock. An API process checks a ticket's `exp`
 * by its own machine's clock, which may be behind the database's (or another process's): a use
 * deleted while some process still accepts its ticket could be replayed. An hour is far beyond
 * what machines kept in time differ by (NTP: milliseconds), and keeps a ticket's keyed hash an
 * hour longer at most.
 */
export const TICKET_USE_CLOCK_SLACK_SECONDS = 3_600;

/** Deletes the uses no process accepts again (see above); answers how many. */
export function pruneTicketUses(client: Pick<Tx, '$executeRaw'>): Promise<number> {
  const kept = TICKET_CLOCK_TOLERANCE_SECONDS + TICKET_USE_CLOCK_SLACK_SECONDS;
  return client.$executeRaw`
    DELETE FROM credential_ticket_uses WHERE expires_at < now() - ${kept}::int * INTERVAL '1 second'`;
}

/**
 * Records a ticket's use, kept until `pruneTicketUses` deletes it; answers false if the ticket
 * was used already (a replay), recording nothing.
 */
export async function recordTicketUse(
  client: Pick<Tx, '$executeRaw'>,
  ticketHash: string,
  expiresAt: Date,
): Promise<boolean> {
  const recorded = await client.$executeRaw`
    INSERT INTO credential_ticket_uses (ticket_hash, expires_at)
    VALUES (${ticketHash}, ${expiresAt}) ON CONFLICT DO NOTHING`;
  return recorded === 1;
}
