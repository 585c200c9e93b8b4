import type { ProofJson } from './proof-check';

/** snarkjs' bn128 curve object (untyped upstream). */
export type Bn128Curve = unknown;

export interface SemaphoreVerifier {
  /** Whether a depth-20 Semaphore proof verifies; false for anything unreadable. */
  verify(proof: ProofJson): Promise<boolean>;
}

export function createSemaphoreVerifier(curve: Bn128Curve): SemaphoreVerifier;

/** Semaphore's hash of a message or scope (decimal) into the scalar field. */
export function semaphoreHash(decimal: string): bigint;
