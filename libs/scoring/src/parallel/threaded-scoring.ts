import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn, setTimeout as afterDueTimers } from 'node:timers/promises';

import { scoreNotes, scoringSteps, type ScoringOptions, type ScoringResult } from '../lib/scorer';
import type { ScoringInput } from '../lib/scoring-input';
import { ScoringThreadPool } from './scoring-thread-pool';
import { runTaskHere, type ScoringBatch, type ScoringSteps } from './scoring-tasks';

/**
 * The widest batch of large tasks in `scoringSteps` (two scorer fits, two Gaussian scorers, or
 * post-selection similarity beside quasi-cliques): more threads than this would mostly sit idle.
 * (The topic models beside the Gaussian scorers fit only their topics' ratings; the topic
 * assignment beside the safeguards is long only for a large community of long texts.)
 */
const MAX_USEFUL_THREADS = 2;

/**
 * Below this many ratings a run takes well under a second in one thread, less than starting
 * threads costs (each loads the scoring code), so it stays in the calling thread.
 */
const DEFAULT_MIN_RATINGS_FOR_THREADS = 50_000;

export interface ThreadedScoringOptions extends ScoringOptions {
  /** The most threads to score with (the machine's cores by default); 1 scores in this one. */
  readonly threads?: number;
  /** Inputs with fewer ratings are scored in this thread (50,000 by default). */
  readonly minRatingsForThreads?: number;
  /**
   * Ends the run once aborted: it rejects with the signal's reason (an `AbortError` when aborted
   * without one, as `signal.throwIfAborted()`) and returns nothing. Scored in threads, at once:
   * the threads are terminated, whatever task they are in; in this thread, before its next task
   * (a task in this thread cannot be interrupted, so the run gives the event loop a turn before
   * each, in which an abort can happen). Unaborted, the result is the same, byte for byte.
   */
  readonly signal?: AbortSignal;
}

/** The threads a run of `ratings` ratings uses (see `ThreadedScoringOptions`). */
export function scoringThreads(
  ratings: number,
  options: Pick<ThreadedScoringOptions, 'threads' | 'minRatingsForThreads'> = {},
): number {
  if (ratings < (options.minRatingsForThreads ?? DEFAULT_MIN_RATINGS_FOR_THREADS)) return 1;
  const wanted = Math.floor(options.threads ?? availableParallelism());
  return Math.max(1, Math.min(wanted, MAX_USEFUL_THREADS));
}

/**
 * `scoreNotes` with each batch of independent tasks (see `scoringSteps`) spread over worker
 * threads; the rest runs here. Each task is a pure function of its arguments and the steps take
 * the results in the batch's fixed order, so the result is byte-identical to `scoreNotes`'s
 * whatever the number of threads or the order in which they finish. An aborted `signal` ends it
 * (see `ThreadedScoringOptions`).
 */
export async function scoreNotesInThreads(
  input: ScoringInput,
  options: ThreadedScoringOptions = {},
): Promise<ScoringResult> {
  const { signal, onStepDone } = options;
  signal?.throwIfAborted();
  const threads = scoringThreads(input.ratingNote.length, options);
  if (threads === 1) {
    if (!signal) return scoreNotes(input, options);
    return runSteps(scoringSteps(input, options), signal, async ({ tasks }) => {
      const results: unknown[] = [];
      for (const task of tasks) {
        await nextTurn();
        signal.throwIfAborted();
        results.push(runTaskHere(task, onStepDone));
      }
      return results;
    });
  }
  const pool = new ScoringThreadPool(threads);
  try {
    return await runSteps(scoringSteps(input, options), signal, async (batch) => {
      const results = await Promise.all(batch.tasks.map((task) => pool.run(task)));
      onStepDone?.(`${batch.name} (${batch.tasks.length} task(s) in threads)`);
      return results;
    });
  } finally {
    // Aborted, the threads are stopped mid-task.
    await pool.close();
  }
}

/**
 * Drives `steps`, each batch run by `runBatch`, and stops with the signal's reason as soon as it
 * aborts: between batches, or in the middle of one (whose work the caller then ends).
 */
async function runSteps<T>(
  steps: ScoringSteps<T>,
  signal: AbortSignal | undefined,
  runBatch: (batch: ScoringBatch) => Promise<readonly unknown[]>,
): Promise<T> {
  let next = steps.next([]);
  while (!next.done) {
    signal?.throwIfAborted();
    next = steps.next(await untilAborted(runBatch(next.value), signal));
  }
  // The last steps (meta-scoring, stabilisation) ran here, synchronously: a deadline that passed
  // meanwhile has its timer due but not yet run. The timers run first (an immediate, taken in
  // the poll phase as after a thread's answer, would come before them), so an abort meanwhile
  // returns nothing.
  if (signal) {
    await afterDueTimers(0);
    signal.throwIfAborted();
  }
  return next.value;
}

/** `work`'s outcome, or the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    // Handled either way: work the abort overtook fails unheard (its threads terminated).
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
    if (signal.aborted) abort();
  });
}
