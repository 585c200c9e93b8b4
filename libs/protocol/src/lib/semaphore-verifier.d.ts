import type { ProofJson } from './proof-check';

/** snarkjs' bn128 curve object (untyped upstream). */
export type Bn128Curve = unknown;

export interface SemaphoreVerifier {
  /** Whether a depth-20 Semaphore proof verifies; false for anything unreadable. */
  verify(proof: ProofJson): Promise<boolean>;
  /**
   * One decision per proof, the same as `verify` gives each, checked together in one batch
   * equation (and one by one only when that fails).
   */
  verifyAll(proofs: ProofJson[]): Promise<boolean[]>;
  /** The batch equation alone (for tests): whether it holds for these proofs. */
  batchHolds(proofs: ProofJson[]): boolean;
}

export function createSemaphoreVerifier(curve: Bn128Curve): SemaphoreVerifier;

/** Whether an affine G2 point (on the curve) is in the prime-order subgroup. */
export function inG2Subgroup(curve: Bn128Curve, point: Uint8Array): boolean;

/** Semaphore's hash of a message or scope (decimal) into the scalar field. */
export function semaphoreHash(decimal: string): bigint;
