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

/**
 * Sums of multiples of fixed G1 points by precomputed tables kept in the curve's memory:
 * `sum([[index, scalar], …])` is Σ scalar·bases[index] (0 ≤ scalar < 2²⁵⁶), Jacobian.
 */
export function fixedBaseTables(
  curve: Bn128Curve,
  bases: Uint8Array[],
): { sum(terms: [index: number, scalar: bigint][]): Uint8Array };

/**
 * The untwist–Frobenius–twist endomorphism ψ of G2's curve: takes a point (affine or Jacobian)
 * and gives ψ of it, affine.
 */
export function g2Endomorphism(curve: Bn128Curve): (point: Uint8Array) => Uint8Array;

/** Whether a G2 point (on the curve, affine or Jacobian) is in the prime-order subgroup. */
export function inG2Subgroup(curve: Bn128Curve, point: Uint8Array): boolean;

/** Semaphore's hash of a message or scope (decimal) into the scalar field. */
export function semaphoreHash(decimal: string): bigint;
