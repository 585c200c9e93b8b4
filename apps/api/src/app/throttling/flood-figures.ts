import { Injectable } from '@nestjs/common';

import { RATE_LIMIT_CLASSES, type RateLimitClass } from './rate-limit-class';

const perClass = () =>
  Object.fromEntries(RATE_LIMIT_CLASSES.map((name) => [name, 0])) as Record<RateLimitClass, number>;

/**
 * What this process refused and why, since it started: counts only, never a client's key or
 * address (GET /metrics, docs/operations.md).
 */
@Injectable()
export class FloodFigures {
  /** 429 RATE_LIMITED answered from the memory of a block, before any parsing or Redis. */
  readonly refusedEarly = perClass();
  /** 429 RATE_LIMITED answered after asking the shared store (the request that hit the limit). */
  readonly refusedByStore = perClass();
  /** Proofs that reached the Groth16 check and failed it (PROOF_INVALID). */
  proofsInvalid = 0;
  /** Proofs refused unverified because their client's proof had failed meanwhile. */
  proofsWithdrawn = 0;
  /** Proven writes shed with 503 PROOF_VERIFIER_BUSY. */
  verifierShed = 0;
}
