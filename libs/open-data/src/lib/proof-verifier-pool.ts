import { useSingleThreadedCurve, type ProofJson } from '@bridgenotes/protocol';
import { verifyProof, type SemaphoreProof } from '@semaphore-protocol/core';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Verifies Groth16 proofs, in this thread (`threads: 0`) or spread over worker threads. */
export interface ProofVerifier {
  verify(proofs: ProofJson[]): Promise<boolean[]>;
  close(): Promise<void>;
}

async function verifyHere(proofs: ProofJson[]): Promise<boolean[]> {
  await useSingleThreadedCurve();
  const results: boolean[] = [];
  for (const proof of proofs) {
    try {
      results.push(await verifyProof(proof as unknown as SemaphoreProof));
    } catch {
      results.push(false);
    }
  }
  return results;
}

interface Pending {
  resolve: (results: boolean[]) => void;
  reject: (error: Error) => void;
}

/**
 * Each thread verifies whole batches (messaging one proof at a time would cost more than the
 * verification); batches go to the thread with the fewest outstanding.
 */
class WorkerPool implements ProofVerifier {
  private readonly workers: { worker: Worker; pending: Map<number, Pending> }[];
  private nextId = 0;

  constructor(threads: number) {
    this.workers = Array.from({ length: threads }, () => {
      // snarkjs loads the `web-worker` package, which in any worker thread expects to be the
      // thread's entry and reads its module from workerData: give it an empty one to run.
      const worker = new Worker(join(__dirname, 'proof-verifier.worker.js'), {
        workerData: { mod: 'data:,', name: 'proof-verifier', type: 'classic' },
      });
      const pending = new Map<number, Pending>();
      worker.on('message', ({ id, results }: { id: number; results: boolean[] }) => {
        pending.get(id)?.resolve(results);
        pending.delete(id);
      });
      worker.on('error', (error) => {
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      });
      return { worker, pending };
    });
  }

  verify(proofs: ProofJson[]): Promise<boolean[]> {
    const target = this.workers.reduce((least, candidate) =>
      candidate.pending.size < least.pending.size ? candidate : least,
    );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, proofs });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}

export function createProofVerifier(threads: number): ProofVerifier {
  if (threads <= 0) return { verify: verifyHere, close: async () => undefined };
  return new WorkerPool(threads);
}
