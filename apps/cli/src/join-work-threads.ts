import { checkJoinWork, type JoinWorkTarget } from '@bridgenotes/protocol';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Solves an OPEN join's proof-of-work (libs/protocol `join-work`) off the main thread, on up to
 * `threads` worker threads that split the nonces (start i, step n); the first answer wins and
 * stops the others. The worker imports only `@bridgenotes/protocol/join-work`: the library's
 * index loads snarkjs, which cannot start inside a worker thread (docs: semaphore reference).
 * Under tsx (`npm run bridgenotes`) each worker registers tsx before loading its TypeScript; the
 * CLI's build (apps/cli/build.js) has the worker compiled beside its bundle.
 */
export async function solveJoinWorkInThreads(
  target: JoinWorkTarget,
  threads = Math.max(1, Math.min(4, availableParallelism() - 1)),
): Promise<string> {
  const workers = Array.from({ length: threads }, (_, start) =>
    startSolver({ target, start, step: threads }),
  );
  try {
    const nonce = await Promise.race(
      workers.map(
        (worker) =>
          new Promise<string>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    // A worker's answer is checked as the API will check it, by the main thread's own code.
    if (!checkJoinWork(target, nonce))
      throw new Error('the join work solver answered a wrong nonce');
    return nonce;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** A solver thread: the build's compiled worker beside its bundle, else the source through tsx. */
function startSolver(workerData: { target: JoinWorkTarget; start: number; step: number }) {
  const compiled = join(__dirname, 'join-work.worker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  const file = join(__dirname, 'join-work.worker.ts');
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(
    `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`,
    {
      eval: true,
      workerData,
    },
  );
}
