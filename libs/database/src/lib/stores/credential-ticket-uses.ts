import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place that deletes used tickets (`credential_ticket_uses`) by age: the API's CREDENTIAL
// join, before it records a use, and the worker's daily pruning (a community where nobody joins
// any more would otherwise keep its last uses for ever).

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
