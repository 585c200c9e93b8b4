import { createProofVerifier, type ProofJson, type ProofVerifier } from '@bridgenotes/protocol';

import type { ReportDiscrepancy } from './discrepancy';

const BATCH = 32;

interface QueuedProof {
  subject: string;
  proof: ProofJson;
}

/**
 * The Groth16 equations of the proofs that passed the cheap checks: verified in batches of 32
 * (one batch equation each, in worker threads when asked), at most two batches per thread in
 * flight, or only on a uniform random sample of `sample` proofs, verified at the end.
 */
export class Groth16Queue {
  private readonly verifier: ProofVerifier;
  private readonly sample: QueuedProof[] = [];
  private batch: QueuedProof[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  /** Proofs added, and those whose equation was verified (all of them unless sampled). */
  queued = 0;
  verified = 0;

  constructor(
    threads: number,
    private readonly sampleSize: number | undefined,
    private readonly report: ReportDiscrepancy,
  ) {
    this.verifier = createProofVerifier(threads);
    this.maxInFlight = Math.max(2, threads * 2);
  }

  async add(subject: string, proof: ProofJson): Promise<void> {
    const queued = { subject, proof };
    this.queued += 1;
    if (this.sampleSize !== undefined) {
      // Reservoir sampling: every proof has the same chance, in one pass.
      if (this.sample.length < this.sampleSize) this.sample.push(queued);
      else {
        const slot = Math.floor(Math.random() * this.queued);
        if (slot < this.sampleSize) this.sample[slot] = queued;
      }
      return;
    }
    this.batch.push(queued);
    if (this.batch.length >= BATCH) {
      const full = this.batch;
      this.batch = [];
      await this.flush(full);
    }
  }

  /** Verifies what is left (the sample, or the last batch) and waits for every batch. */
  async drain(onSampled: (done: number) => void): Promise<void> {
    if (this.sampleSize !== undefined) {
      for (let start = 0; start < this.sample.length; start += BATCH) {
        await this.flush(this.sample.slice(start, start + BATCH));
        onSampled(Math.min(start + BATCH, this.sample.length));
      }
    } else if (this.batch.length > 0) {
      await this.flush(this.batch);
    }
    await Promise.all(this.inFlight);
  }

  close(): Promise<void> {
    return this.verifier.close();
  }

  private async flush(proofs: QueuedProof[]): Promise<void> {
    const done = this.verifier.verify(proofs.map((queued) => queued.proof)).then((valid) => {
      this.verified += proofs.length;
      valid.forEach((ok, index) => {
        if (!ok) {
          this.report(
            'PROOF_INVALID',
            (proofs[index] as QueuedProof).subject,
            'the Groth16 proof does not verify: no member of the group made it',
          );
        }
      });
    });
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    if (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
  }
}
