import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { useSingleThreadedCurve } from './curve';
import type { ProofJson } from './proof-check';
import { createSemaphoreVerifier, type SemaphoreVerifier } from './semaphore-verifier';

/**
 * Verifies depth-20 Semaphore proofs (Groth16, with the key's fixed parts precomputed: see
 * semaphore-verifier.js), in this thread (`threads: 0`) or spread over worker threads.
 */
export interface ProofVerifier {
  /** Threads verifying (0: this one). */
  readonly threads: number;
  /** One result per proof, in order: false for a proof that does not verify or cannot be read. */
  verify(proofs: ProofJson[]): Promise<boolean[]>;
  /**
   * Gets every thread ready (curve built, code compiled) by verifying a known proof, and fails
   * if it does not verify: a broken verifier must stop a service at boot, not refuse members.
   */
  warmUp(): Promise<void>;
  /** Refuses new work, lets work in progress finish (up to `graceMs`), then stops the threads. */
  close(graceMs?: number): Promise<void>;
}

/** The verifier was closed, or one of its threads died, before answering. */
export class ProofVerifierUnavailableError extends Error {
  override name = 'ProofVerifierUnavailableError';
}

/**
 * A real depth-20 proof, verified at warm-up: a member of a two-member group proving
 * `WARM_UP_ACTION`. Changing snarkjs, the artifacts or the curve set-up such that it no longer
 * verifies must fail the boot.
 */
export const WARM_UP_ACTION = {
  kind: 'verifier.warm-up',
  community: '00000000-0000-4000-8000-00000000beef',
  target: '',
  payload: {},
  clientMinute: 29_453_760,
} as const;

export const WARM_UP_PROOF: ProofJson = {
  merkleTreeDepth: 20,
  merkleTreeRoot: '12778525120334452124392005282413868146349506050689926878951370307176154574715',
  nullifier: '21270401315541558107282884683695783405384801466151289216670119842106591795438',
  message: '33962096738247205961888948350336662817142432141296087097475610760708810917810',
  scope: '54669133656003821384889425269515323446779428854208113409845705977760260837832',
  points: [
    '18457684925515574574676183855065328328172631809629571923025871625238763993194',
    '18056728677072481550803942772674368092946405273319719731175910031670029065722',
    '11001993524438731437507600370924112601270627718638261694665088000780053418217',
    '8080713305514771754512778087801052841722083309132887010641488396634936294761',
    '16811782096267745109077960108994040341171669627847183528748799669541701701867',
    '10246400703098371658782962243700623699399184724476526149891925727829436117737',
    '16821383009970036530418219977191466852476556786707781822110865748685763722776',
    '12297332201431103321027799838086110456586061601232341380216071595871237690729',
  ],
};

const selfTestFailed = () =>
  new Error('The proof verifier failed its self-test: a known valid proof did not verify');

/** This thread's verifier, rebuilt when the curve it was built on was released. */
let here: { curve: unknown; verifier: SemaphoreVerifier } | undefined;

async function verifyHere(proofs: ProofJson[]): Promise<boolean[]> {
  const curve = await useSingleThreadedCurve();
  if (here?.curve !== curve) here = { curve, verifier: createSemaphoreVerifier(curve) };
  const { verifier } = here;
  const results: boolean[] = [];
  for (const proof of proofs) results.push(await verifier.verify(proof));
  return results;
}

interface Pending {
  resolve: (results: boolean[]) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Each call goes to the thread with the fewest calls outstanding; callers batch (the export
 * verifier sends 32 proofs at a time, the API one per request: messaging costs ~0.1 ms against
 * ~13 ms per verification). A thread that dies is replaced; its outstanding calls fail.
 * Threads are referenced only while they have work, so a verifier left open never keeps a
 * process alive.
 */
class WorkerPool implements ProofVerifier {
  private readonly pool: Thread[];
  private nextId = 0;
  private closing = false;

  constructor(readonly threads: number) {
    this.pool = Array.from({ length: threads }, () => this.start());
  }

  private start(): Thread {
    // snarkjs loads the `web-worker` package, which in any worker thread expects to be the
    // thread's entry and reads its module from workerData: give it an empty one to run.
    const worker = new Worker(join(__dirname, 'proof-verifier.worker.js'), {
      workerData: { mod: 'data:,', name: 'proof-verifier', type: 'classic' },
    });
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', ({ id, results }: { id: number; results: boolean[] }) => {
      thread.pending.get(id)?.resolve(results);
      thread.pending.delete(id);
      if (thread.pending.size === 0) worker.unref();
    });
    const fail = (error: Error) => {
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
    };
    worker.on('error', (error) => fail(new ProofVerifierUnavailableError(error.message)));
    worker.on('exit', () => {
      fail(new ProofVerifierUnavailableError('a proof verifier thread stopped'));
      const index = this.pool.indexOf(thread);
      if (!this.closing && index >= 0) this.pool[index] = this.start();
    });
    return thread;
  }

  private send(thread: Thread, proofs: ProofJson[]): Promise<boolean[]> {
    if (this.closing) {
      return Promise.reject(new ProofVerifierUnavailableError('the proof verifier is closed'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ id, proofs });
    });
  }

  verify(proofs: ProofJson[]): Promise<boolean[]> {
    const least = this.pool.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    return this.send(least, proofs);
  }

  async warmUp(): Promise<void> {
    const results = await Promise.all(
      this.pool.map((thread) => this.send(thread, [WARM_UP_PROOF])),
    );
    if (!results.every(([valid]) => valid === true)) throw selfTestFailed();
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    const outstanding = this.pool.flatMap((thread) =>
      [...thread.pending.values()].map(
        (waiting) =>
          new Promise<void>((settled) => {
            const { resolve, reject } = waiting;
            waiting.resolve = (results) => (resolve(results), settled());
            waiting.reject = (error) => (reject(error), settled());
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(outstanding),
      new Promise((done) => (timer = setTimeout(done, graceMs).unref())),
    ]);
    clearTimeout(timer);
    await Promise.all(this.pool.map(({ worker }) => worker.terminate()));
  }
}

/** `threads` ≤ 0 verifies in the calling thread. */
export function createProofVerifier(threads: number): ProofVerifier {
  if (threads > 0) return new WorkerPool(threads);
  return {
    threads: 0,
    verify: verifyHere,
    async warmUp() {
      const [valid] = await verifyHere([WARM_UP_PROOF]);
      if (!valid) throw selfTestFailed();
    },
    close: async () => undefined,
  };
}
