import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { explainedBackupProblem } from '@bridgenotes/protocol';
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

/**
 * The identity a backup holds, refused (with what is wrong) unless the text, without the
 * whitespace around it, is exactly what `exportIdentity` writes (libs/protocol `backupProblem`):
 * Semaphore's own import would take a cut-off or mistyped backup as a stranger's identity.
 */
export function importIdentity(backup: string): Identity {
  const problem = explainedBackupProblem(backup);
  if (problem) throw new Error(problem);
  return Identity.import(backup.trim());
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
