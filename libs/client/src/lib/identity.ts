import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { Identity } from '@semaphore-protocol/core';
import { poseidon2 } from 'poseidon-lite/poseidon2';

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

/** Semaphore's field-sized hash of a public input: keccak256 of its 32 bytes, shifted right by 8. */
function circuitHash(value: bigint): bigint {
  return (
    BigInt(`0x${bytesToHex(keccak_256(hexToBytes(value.toString(16).padStart(64, '0'))))}`) >> 8n
  );
}

/**
 * The member's pseudonym in a community: the nullifier every one of its proofs there carries,
 * Poseidon(hash(scope), secret), as the circuit computes it. Lets a member find its own notes
 * and ratings without proving anything.
 */
export function pseudonymOf(identity: Identity, scope: string): string {
  return poseidon2([circuitHash(BigInt(scope)), identity.secretScalar]).toString();
}
