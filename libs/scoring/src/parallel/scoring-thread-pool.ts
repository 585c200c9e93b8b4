import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { ScoringInput } from '../lib/scoring-input';
import type { ScoringTask } from './scoring-tasks';

/** The thread entry, compiled (the built library, or beside the worker app's bundle) or not. */
const ENTRY = 'scoring-thread.worker';

/** A scoring task failed in its thread, or the thread stopped before answering. */
export class ScoringThreadError extends Error {
  override name = 'ScoringThreadError';
}

interface Job {
  readonly task: ScoringTask;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  job: Job | undefined;
}

/**
 * A few worker threads running scoring tasks, first come first served, one task per thread at
 * a time. The rating columns of a task's input travel as SharedArrayBuffers (copied into shared
 * memory once per input), so no thread copies a million ratings; results come back by transfer.
 * One pool serves one scoring run: `close` stops its threads.
 */
export class ScoringThreadPool {
  private readonly threads: Thread[];
  private readonly queue: Job[] = [];
  private readonly shared = new WeakMap<ScoringInput, ScoringInput>();
  private failure: Error | undefined;

  constructor(size: number) {
    this.threads = Array.from({ length: size }, () => this.start());
  }

  run(task: ScoringTask): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { ...task, input: this.share(task.input) }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.failure ??= new ScoringThreadError('the scoring thread pool is closed');
    for (const job of this.queue.splice(0)) job.reject(this.failure);
    await Promise.all(this.threads.map(({ worker }) => worker.terminate()));
  }

  private start(): Thread {
    const worker = startWorker();
    const thread: Thread = { worker, job: undefined };
    worker.on('message', (message: { result?: unknown; error?: string }) => {
      const job = thread.job;
      thread.job = undefined;
      if (message.error === undefined) job?.resolve(message.result);
      else job?.reject(new ScoringThreadError(message.error));
      this.dispatch();
    });
    // A thread that dies fails its task and the pool: the run fails (and is retried) as it
    // would had the task thrown in this thread.
    const fail = (error: Error): void => {
      this.failure ??= error;
      thread.job?.reject(error);
      thread.job = undefined;
      for (const job of this.queue.splice(0)) job.reject(error);
    };
    worker.on('error', (error) => fail(new ScoringThreadError(error.message)));
    worker.on('exit', () => fail(new ScoringThreadError('a scoring thread stopped')));
    return thread;
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.job !== undefined) continue;
      const job = this.queue.shift();
      if (!job) return;
      thread.job = job;
      thread.worker.postMessage(job.task);
    }
  }

  /** The input with every typed-array column in shared memory, made once per input. */
  private share(input: ScoringInput): ScoringInput {
    let shared = this.shared.get(input);
    if (!shared) {
      const columns: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(input)) {
        columns[key] = ArrayBuffer.isView(value) ? inSharedMemory(value) : value;
      }
      shared = columns as unknown as ScoringInput;
      this.shared.set(input, shared);
    }
    return shared;
  }
}

function inSharedMemory(view: ArrayBufferView): ArrayBufferView {
  const Type = view.constructor as new (buffer: SharedArrayBuffer) => ArrayBufferView & {
    set(source: ArrayBufferView): void;
  };
  const copy = new Type(new SharedArrayBuffer(view.byteLength));
  copy.set(view);
  return copy;
}

/**
 * The compiled entry when there is one (the built library; the worker app's bundle, which
 * builds it as a second entry beside main.js); else the TypeScript source through tsx's
 * require hook, as under tsx (the benchmark, `npm run score`) and Jest.
 */
function startWorker(): Worker {
  const compiled = join(__dirname, `${ENTRY}.js`);
  if (existsSync(compiled)) return new Worker(compiled);
  const source = JSON.stringify(join(__dirname, `${ENTRY}.ts`));
  // tsx is found from the source file, wherever the process was started.
  const tsx = `require('node:module').createRequire(${source}).resolve('tsx/cjs/api')`;
  return new Worker(`require(${tsx}).register(); require(${source});`, { eval: true });
}
