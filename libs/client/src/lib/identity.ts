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

/** The bytes of a Semaphore v4 identity's private key, which its backup encodes in base64. */
const PRIVATE_KEY_BYTES = 32;
const BACKUP_CHARACTERS = 44;

/**
 * The identity a backup holds, refused (with what is wrong) unless the text, without the
 * whitespace around it, is exactly what `exportIdentity` writes: Semaphore's own import decodes
 * leniently (it skips any character outside base64) and takes any bytes as a key, so a cut-off or
 * mistyped backup would otherwise restore a stranger's identity, and its pseudonym, silently.
 */
export function importIdentity(backup: string): Identity {
  const text = backup.trim();
  const identity = Identity.import(text);
  const key = identity.privateKey;
  if (identity.export() !== text || typeof key === 'string' || key.length !== PRIVATE_KEY_BYTES) {
    throw new Error(
      `a backup is the ${BACKUP_CHARACTERS} characters an identity export writes (letters, digits, + and /, ending with =); this text has ${text.length} and is not one`,
    );
  }
  return identity;
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
