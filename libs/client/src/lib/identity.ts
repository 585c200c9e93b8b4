import { Identity } from '@semaphore-protocol/core';

/**
 * A member's Semaphore identity. Its secret never leaves the member's device; the server only
 * ever sees the commitment (at joining) and proofs. Back it up with `exportIdentity`: losing it
 * loses the pseudonym and its reputation.
 */
export function createIdentity(): Identity {
  return new Identity();
}

export function exportIdentity(identity: Identity): string {
  return identity.export();
}

export function importIdentity(backup: string): Identity {
  return Identity.import(backup);
}

export function commitmentOf(identity: Identity): string {
  return identity.commitment.toString();
}
