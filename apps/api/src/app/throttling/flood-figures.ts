import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry';
import { RATE_LIMIT_CLASSES, type RateLimitClass } from './rate-limit-class';

type Where = 'early' | 'store';
type ProofRefusal = 'invalid' | 'withdrawn' | 'shed';

/**
 * What this process refused and why, since it started, as Prometheus counters (GET /metrics,
 * docs/operations.md): counts only, never a client's key or address.
 */
@Injectable()
export class FloodFigures {
  private readonly rateLimited: Counter<'class' | 'where'>;
  private readonly proofs: Record<ProofRefusal, Counter>;

  constructor(registry: MetricsRegistry) {
    this.rateLimited = new Counter({
      name: 'bridgenotes_rate_limited_total',
      help: '429 RATE_LIMITED answers by class of route: "early" from the memory of a block, before any other work; "store" after asking the shared store.',
      labelNames: ['class', 'where'],
      registers: [registry],
    });
    const counter = (name: string, help: string) =>
      new Counter({ name, help, registers: [registry] });
    this.proofs = {
      invalid: counter(
        'bridgenotes_proofs_invalid_total',
        'Proofs that reached the Groth16 check and failed it (403 PROOF_INVALID).',
      ),
      withdrawn: counter(
        'bridgenotes_proofs_withdrawn_total',
        "Proofs refused unverified because their client's other proof failed while they waited (429 PROOF_WITHDRAWN).",
      ),
      shed: counter(
        'bridgenotes_proof_verifier_shed_total',
        'Proven writes shed because the verifier queue was full (503 PROOF_VERIFIER_BUSY).',
      ),
    };
    // Every labelled series from the start, at zero, so that a rate over it is defined at once.
    for (const name of RATE_LIMIT_CLASSES) {
      for (const where of ['early', 'store'] as const)
        this.rateLimited.inc({ class: name, where }, 0);
    }
  }

  /** A 429 RATE_LIMITED: from the memory of a block (`early`) or after asking the shared store. */
  rateLimitedOnce(rateLimitClass: RateLimitClass, where: Where): void {
    this.rateLimited.inc({ class: rateLimitClass, where });
  }

  /** A proven write refused for its proof (a counter without labels starts at zero). */
  proofRefused(refusal: ProofRefusal): void {
    this.proofs[refusal].inc();
  }
}
