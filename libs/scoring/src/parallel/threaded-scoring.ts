import { availableParallelism } from 'node:os';

import { scoreNotes, scoringSteps, type ScoringOptions, type ScoringResult } from '../lib/scorer';
import type { ScoringInput } from '../lib/scoring-input';
import { ScoringThreadPool } from './scoring-thread-pool';
import type { ScoringSteps } from './scoring-tasks';

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
 * whatever the number of threads or the order in which they finish.
 */
export async function scoreNotesInThreads(
  input: ScoringInput,
  options: ThreadedScoringOptions = {},
): Promise<ScoringResult> {
  const threads = scoringThreads(input.ratingNote.length, options);
  if (threads === 1) return scoreNotes(input, options);
  const pool = new ScoringThreadPool(threads);
  try {
    return await runStepsInPool(scoringSteps(input, options), pool, options.onStepDone);
  } finally {
    await pool.close();
  }
}

async function runStepsInPool<T>(
  steps: ScoringSteps<T>,
  pool: ScoringThreadPool,
  onStepDone: ((step: string) => void) | undefined,
): Promise<T> {
  let next = steps.next([]);
  while (!next.done) {
    const batch = next.value;
    const results = await Promise.all(batch.tasks.map((task) => pool.run(task)));
    onStepDone?.(`${batch.name} (${batch.tasks.length} task(s) in threads)`);
    next = steps.next(results);
  }
  return next.value;
}
