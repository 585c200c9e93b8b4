import { verifyProof, type SemaphoreProof } from '@semaphore-protocol/core';

import { CLOCK_SKEW_MINUTES, SNARK_BASE_FIELD, SNARK_SCALAR_FIELD, TREE_DEPTH } from './constants';
import { Action, actionMessage, minuteOf } from './hashing';

/** A Semaphore v4 proof as it travels in JSON: every number a canonical decimal string. */
export interface ProofJson {
  merkleTreeDepth: number;
  merkleTreeRoot: string;
  nullifier: string;
  message: string;
  scope: string;
  points: string[];
}

export const PROOF_FAILURES = {
  PROOF_MALFORMED: 'The proof is not a Semaphore proof of canonical decimal numbers',
  PROOF_DEPTH: `The proof must be made at tree depth ${TREE_DEPTH}`,
  PROOF_SCOPE: "The proof's scope is not this community's scope",
  PROOF_MESSAGE: "The proof's message is not the hash of this action",
  PROOF_ROOT_UNKNOWN: "The proof's Merkle root was never this community's",
  PROOF_ROOT_EXPIRED: "The proof's Merkle root was replaced too long ago; fetch the group again",
  PROOF_ROOT_TOO_SMALL:
    "The proof's Merkle root has too few members to hide who made it: the community needs more members before anyone can write",
  PROOF_STALE: `The action's clientMinute is more than ${CLOCK_SKEW_MINUTES} minutes from the server's clock`,
  PROOF_INVALID: 'The proof does not verify: it was not made by a member of this community',
} as const;

export type ProofFailureCode = keyof typeof PROOF_FAILURES;

/**
 * How a community's root history judges a root: `too-small`, a root in the window whose live
 * members are fewer than the community's minimum anonymity set (its own when its operator set
 * one, else the instance's PROOF_MIN_MEMBERS).
 */
export type RootStatus = 'current' | 'recent' | 'expired' | 'unknown' | 'too-small';

export interface ProofCheckInput {
  proof: unknown;
  action: Action;
  /** The community's scope (see `communityScope`). */
  scope: bigint;
  rootStatus: (root: bigint) => Promise<RootStatus>;
  now?: Date;
  /**
   * The Groth16 verification, e.g. a `ProofVerifier`'s threads; in this thread when absent. It
   * answers false for a proof that does not verify; it throws only when it cannot answer, and
   * that error is the caller's (a verifier that is down is not an invalid proof).
   */
  verifyGroth16?: (proof: SemaphoreProof) => Promise<boolean>;
}

async function verifyHere(proof: SemaphoreProof): Promise<boolean> {
  try {
    return await verifyProof(proof);
  } catch {
    // Unreadable points: not a valid proof.
    return false;
  }
}

export type ProofCheckResult =
  | { ok: true; pseudonym: string; root: string }
  | { ok: false; code: ProofFailureCode; message: string };

/** A decimal as proofs write their numbers: no sign, no leading zero, at most 78 digits. */
export const CANONICAL_DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const TWO_TO_256 = 1n << 256n;

function decimal(value: unknown, below: bigint): bigint | undefined {
  if (typeof value !== 'string' || !CANONICAL_DECIMAL.test(value)) return undefined;
  const number = BigInt(value);
  return number < below ? number : undefined;
}

export interface ParsedProof {
  proof: SemaphoreProof;
  root: bigint;
  nullifier: bigint;
  message: bigint;
  scope: bigint;
}

/**
 * Parses a proof strictly: canonical decimals only, each below the bound its role allows, so no
 * two encodings of one proof or one pseudonym ever exist (Groth16 points would otherwise still
 * verify with a coordinate plus the field order).
 */
export function parseProof(input: unknown): ParsedProof | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const proof = input as Partial<ProofJson>;
  const keys = Object.keys(proof).sort().join(',');
  if (keys !== 'merkleTreeDepth,merkleTreeRoot,message,nullifier,points,scope') return undefined;
  if (!Number.isSafeInteger(proof.merkleTreeDepth)) return undefined;
  const root = decimal(proof.merkleTreeRoot, SNARK_SCALAR_FIELD);
  const nullifier = decimal(proof.nullifier, SNARK_SCALAR_FIELD);
  const message = decimal(proof.message, TWO_TO_256);
  const scope = decimal(proof.scope, TWO_TO_256);
  if (
    root === undefined ||
    nullifier === undefined ||
    message === undefined ||
    scope === undefined
  ) {
    return undefined;
  }
  if (!Array.isArray(proof.points) || proof.points.length !== 8) return undefined;
  if (proof.points.some((point) => decimal(point, SNARK_BASE_FIELD) === undefined))
    return undefined;
  return {
    proof: {
      merkleTreeDepth: proof.merkleTreeDepth as number,
      merkleTreeRoot: proof.merkleTreeRoot as string,
      nullifier: proof.nullifier as string,
      message: proof.message as string,
      scope: proof.scope as string,
      points: proof.points as SemaphoreProof['points'],
    },
    root,
    nullifier,
    message,
    scope,
  };
}

const fail = (code: ProofFailureCode): ProofCheckResult => ({
  ok: false,
  code,
  message: PROOF_FAILURES[code],
});

/**
 * The one check every write goes through, in a fixed order, each failure with its own code:
 * form, depth, scope, message, root (known, in the window, of enough members), clock, and only
 * then the (costly) Groth16 verification.
 * It never throws for anything a client sends. On success the pseudonym is the nullifier: the
 * member's stable, unlinkable name in this community.
 */
export async function checkActionProof(input: ProofCheckInput): Promise<ProofCheckResult> {
  const parsed = parseProof(input.proof);
  if (!parsed) return fail('PROOF_MALFORMED');
  const { proof } = parsed;
  if (proof.merkleTreeDepth !== TREE_DEPTH) return fail('PROOF_DEPTH');
  if (parsed.scope !== input.scope) return fail('PROOF_SCOPE');

  let expectedMessage: bigint;
  try {
    expectedMessage = actionMessage(input.action);
  } catch {
    return fail('PROOF_MALFORMED');
  }
  if (parsed.message !== expectedMessage) return fail('PROOF_MESSAGE');

  const rootStatus = await input.rootStatus(parsed.root);
  if (rootStatus === 'unknown') return fail('PROOF_ROOT_UNKNOWN');
  if (rootStatus === 'expired') return fail('PROOF_ROOT_EXPIRED');
  if (rootStatus === 'too-small') return fail('PROOF_ROOT_TOO_SMALL');

  const skew = Math.abs(minuteOf(input.now ?? new Date()) - input.action.clientMinute);
  if (!(skew <= CLOCK_SKEW_MINUTES)) return fail('PROOF_STALE');

  if (!(await (input.verifyGroth16 ?? verifyHere)(proof))) return fail('PROOF_INVALID');
  return { ok: true, pseudonym: proof.nullifier, root: proof.merkleTreeRoot };
}
