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
  /**
   * One result per proof, in order: false for a proof that does not verify or cannot be read.
   * `alone`: verify these proofs in a batch of their own, for proofs likely to fail (their
   * sender's last one did), since one bad proof in a batch has every proof in it checked again.
   * Rejects with `ProofVerifierBusyError` when more than `maxQueued` proofs would be waiting.
   */
  verify(proofs: ProofJson[], options?: VerifyOptions): Promise<boolean[]>;
  /** Proofs waiting for a thread now (not counting those being verified). */
  readonly queued: number;
  /**
   * Gets every thread ready (curve built, code compiled) by verifying a known proof, and fails
   * if it does not verify: a broken verifier must stop a service at boot, not refuse members.
   */
  warmUp(): Promise<void>;
  /** Refuses new work, lets work in progress finish (up to `graceMs`), then stops the threads. */
  close(graceMs?: number): Promise<void>;
}

export interface VerifyOptions {
  alone?: boolean;
  /**
   * Asked when a thread is about to take the call: true refuses it unverified, with
   * `ProofWithdrawnError` (its sender's proof failed meanwhile: a forger's queued proofs).
   */
  withdrawn?: () => boolean;
  /**
   * Called as soon as one of the call's proofs is found invalid, before the thread takes its
   * next batch, so that `withdrawn` of the proofs waiting can already say so.
   */
  onInvalid?: () => void;
}

/** The call was refused unverified: its `withdrawn` said so when a thread was about to take it. */
export class ProofWithdrawnError extends Error {
  override name = 'ProofWithdrawnError';
}

/** The verifier was closed, or one of its threads died, before answering. */
export class ProofVerifierUnavailableError extends Error {
  override name = 'ProofVerifierUnavailableError';
}

/**
 * More proofs are waiting than the verifier takes (`maxQueued`): the caller should shed the
 * request (503 with Retry-After) rather than let every answer's latency grow without bound.
 */
export class ProofVerifierBusyError extends Error {
  override name = 'ProofVerifierBusyError';
}

export interface ProofVerifierOptions {
  /** Proofs that may wait for a thread (not counting those being verified); default unbounded. */
  maxQueued?: number;
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
  return here.verifier.verifyAll(proofs);
}

/** Proofs verified in one batch at most: a batch with a bad proof is checked again one by one. */
const MAX_BATCH = 32;
/** Proofs worth starting an idle thread for while another is busy; fewer wait up to LINGER_MS. */
const MIN_BATCH = 8;
const LINGER_MS = 10;

/** A caller's proofs, waiting for a thread. */
interface Call extends VerifyOptions {
  proofs: ProofJson[];
  resolve: (results: boolean[]) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** The calls this thread is verifying, as one batch; empty while it is idle. */
  batch: Call[];
}

/**
 * Calls wait in one queue; a thread that falls idle takes every call waiting (up to MAX_BATCH
 * proofs, calls never split) and verifies them as one batch. So a quiet API verifies each
 * proof at once and alone, and a busy one in batches as large as the load makes them, which
 * costs a half to a third as much per proof (see semaphore-verifier.js). A thread that dies is
 * replaced; the calls it held fail. Threads are referenced only while they have work, so a
 * verifier left open never keeps a process alive.
 */
class WorkerPool implements ProofVerifier {
  private readonly pool: Thread[];
  private readonly queue: Call[] = [];
  private closing = false;
  private drained?: () => void;
  private linger?: NodeJS.Timeout;

  constructor(
    readonly threads: number,
    private readonly maxQueued = Infinity,
  ) {
    this.pool = Array.from({ length: threads }, () => this.start());
  }

  private start(): Thread {
    // snarkjs loads the `web-worker` package, which in any worker thread expects to be the
    // thread's entry and reads its module from workerData: give it an empty one to run.
    const worker = new Worker(join(__dirname, 'proof-verifier.worker.js'), {
      workerData: { mod: 'data:,', name: 'proof-verifier', type: 'classic' },
    });
    worker.unref();
    const thread: Thread = { worker, batch: [] };
    worker.on('message', ({ results }: { results: boolean[] }) => {
      let offset = 0;
      const answers = thread.batch.map((call) => {
        const answer = results.slice(offset, offset + call.proofs.length);
        offset += call.proofs.length;
        if (answer.includes(false)) call.onInvalid?.();
        return answer;
      });
      // The failures are known (onInvalid) before the next batch is taken.
      this.finish(thread).forEach((call, index) => call.resolve(answers[index] ?? []));
    });
    // A thread that fails is replaced before its calls fail, so that no work goes to it again.
    let retired = false;
    const retire = (error: Error) => {
      if (retired) return;
      retired = true;
      const index = this.pool.indexOf(thread);
      if (!this.closing && index >= 0) this.pool[index] = this.start();
      for (const call of this.finish(thread)) call.reject(error);
    };
    worker.on('error', (error) => retire(new ProofVerifierUnavailableError(error.message)));
    worker.on('exit', () =>
      retire(new ProofVerifierUnavailableError('a proof verifier thread stopped')),
    );
    return thread;
  }

  /** Ends the thread's batch and hands it the next one; returns the calls it had. */
  private finish(thread: Thread): Call[] {
    const done = thread.batch;
    thread.batch = [];
    this.dispatch();
    if (this.pool.every((each) => each.batch.length === 0) && this.queue.length === 0) {
      this.drained?.();
    }
    return done;
  }

  private dispatch(force = false): void {
    for (const thread of this.pool) {
      if (thread.batch.length > 0 || this.queue.length === 0) continue;
      // While another thread is busy, a few proofs wait a moment for more rather than start a
      // batch of one (three times the cost per proof): under load that keeps every thread on
      // large batches; when nothing else runs, a proof starts at once.
      const queued = this.queue.reduce((sum, call) => sum + call.proofs.length, 0);
      const othersBusy = this.pool.some((other) => other.batch.length > 0);
      if (!force && othersBusy && queued < MIN_BATCH) {
        this.linger ??= setTimeout(() => {
          this.linger = undefined;
          this.dispatch(true);
        }, LINGER_MS);
        break;
      }
      const batch: Call[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0] as Call;
        if (next.withdrawn?.()) {
          this.queue.shift();
          next.reject(new ProofWithdrawnError('its sender sent a proof that failed meanwhile'));
          continue;
        }
        if (batch.length > 0 && (size + next.proofs.length > MAX_BATCH || next.alone)) break;
        if (batch[0]?.alone) break;
        batch.push(next);
        size += next.proofs.length;
        this.queue.shift();
      }
      if (batch.length > 0) this.run(thread, batch);
    }
    if (this.queue.length === 0 && this.linger) {
      clearTimeout(this.linger);
      this.linger = undefined;
    }
    for (const thread of this.pool) if (thread.batch.length === 0) thread.worker.unref();
  }

  private run(thread: Thread, batch: Call[]): void {
    thread.batch = batch;
    thread.worker.ref();
    thread.worker.postMessage({ proofs: batch.flatMap((call) => call.proofs) });
  }

  private enqueue(call: Call): void {
    if (this.closing) {
      call.reject(new ProofVerifierUnavailableError('the proof verifier is closed'));
      return;
    }
    const queued = this.queue.reduce((sum, each) => sum + each.proofs.length, 0);
    if (queued > 0 && queued + call.proofs.length > this.maxQueued) {
      call.reject(new ProofVerifierBusyError(`${queued} proofs are already waiting`));
      return;
    }
    this.queue.push(call);
    this.dispatch();
  }

  get queued(): number {
    return this.queue.reduce((sum, call) => sum + call.proofs.length, 0);
  }

  verify(proofs: ProofJson[], options: VerifyOptions = {}): Promise<boolean[]> {
    if (proofs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.enqueue({ ...options, proofs, resolve, reject }));
  }

  async warmUp(): Promise<void> {
    // One call per thread, sent directly: every thread must pass the self-test itself.
    const results = await Promise.all(
      this.pool.map(
        (thread) =>
          new Promise<boolean[]>((resolve, reject) => {
            const call = { proofs: [WARM_UP_PROOF], resolve, reject };
            if (this.closing || thread.batch.length > 0) this.enqueue(call);
            else this.run(thread, [call]);
          }),
      ),
    );
    if (!results.every(([valid]) => valid === true)) throw selfTestFailed();
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    const busy = this.queue.length > 0 || this.pool.some((thread) => thread.batch.length > 0);
    let timer: NodeJS.Timeout | undefined;
    if (busy) {
      await new Promise<void>((done) => {
        this.drained = done;
        timer = setTimeout(done, graceMs).unref();
      });
    }
    clearTimeout(timer);
    const left = this.queue.splice(0);
    const closed = new ProofVerifierUnavailableError('the proof verifier is closed');
    for (const call of left) call.reject(closed);
    await Promise.all(this.pool.map(({ worker }) => worker.terminate()));
  }
}

/** `threads` ≤ 0 verifies in the calling thread (one request at a time: nothing queues). */
export function createProofVerifier(
  threads: number,
  options: ProofVerifierOptions = {},
): ProofVerifier {
  if (threads > 0) return new WorkerPool(threads, options.maxQueued);
  return {
    threads: 0,
    queued: 0,
    async verify(proofs, options = {}) {
      if (options.withdrawn?.())
        throw new ProofWithdrawnError('its sender sent a proof that failed');
      const results = await verifyHere(proofs);
      if (results.includes(false)) options.onInvalid?.();
      return results;
    },
    async warmUp() {
      const [valid] = await verifyHere([WARM_UP_PROOF]);
      if (!valid) throw selfTestFailed();
    },
    close: async () => undefined,
  };
}
