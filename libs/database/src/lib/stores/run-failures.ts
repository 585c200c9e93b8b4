import { errorCode } from '../error-code';

/**
 * The failures of a scoring run the system itself names, as `scoring_runs.error` stores them
 * (`ScoringRunStore.fail`), and their codes. The worker writes them with these builders and the
 * API reads the code back from the stored text (`runFailureCode`): one place for both, so a
 * reworded failure cannot silently lose its code. Any other text is an unexpected error's
 * (`WORKER_ERROR`), which may quote stored data and is never shown publicly.
 */

/** BullMQ's reason for a job it failed for stalling (`moveStalledJobsToWait`). */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';

export const RUN_FAILURE_TEXTS = {
  stalled: () =>
    `${BULLMQ_STALLED_REASON}: the workers running it stopped renewing its lock (killed, or blocked for SCORING_LOCK_SECONDS) more often than BullMQ allows (maxStalledCount)`,
  jobLost: (jobId: string) =>
    `Its job ${jobId} is no longer in the queue (removed, or lost with the queue's data)`,
  jobCompletedUnpublished: (jobId: string) =>
    `Its job ${jobId} completed without publishing the run`,
  runNotPending: (runId: string, communityId: string) =>
    `Scoring run ${runId} of community ${communityId} is not pending`,
  baseReplaced: (runId: string, baseRunId: string) =>
    `Scoring run ${runId} scored on run ${baseRunId}, which a newer full run has replaced`,
  superseded: (runId: string, newerRunId: string) =>
    `Scoring run ${runId} was superseded: run ${newerRunId} already published the community's later writes, or the same ones at a later time`,
};

export type RunFailureCode =
  | 'STALLED'
  | 'JOB_LOST'
  | 'JOB_COMPLETED_UNPUBLISHED'
  | 'RUN_NOT_PENDING'
  | 'SUPERSEDED'
  | 'BASE_REPLACED'
  | 'WORKER_ERROR';

const KNOWN: [RegExp, RunFailureCode][] = [
  [new RegExp(`^${BULLMQ_STALLED_REASON}\\b`), 'STALLED'],
  [/^Its job \S+ is no longer in the queue\b/, 'JOB_LOST'],
  [/^Its job \S+ completed without publishing the run$/, 'JOB_COMPLETED_UNPUBLISHED'],
  [/^Scoring run \S+ of community \S+ is not pending$/, 'RUN_NOT_PENDING'],
  [/^Scoring run \S+ was superseded: run \S+ already published\b/, 'SUPERSEDED'],
  [/^Scoring run \S+ scored on run \S+, which a newer full run has replaced$/, 'BASE_REPLACED'],
];

/** The code of a stored failure text (`RUN_FAILURE_TEXTS`), WORKER_ERROR for any other. */
export function runFailureCode(error: string | null): RunFailureCode | null {
  if (error === null) return null;
  return KNOWN.find(([pattern]) => pattern.test(error))?.[1] ?? 'WORKER_ERROR';
}

/**
 * A run's failure for a log: its text when the system names it (`RUN_FAILURE_TEXTS`), else
 * WORKER_ERROR with the error's codes (`errorCode`): an unexpected error's message may quote
 * stored data (a note's text, a pseudonym).
 */
export function runFailureForLog(reason: string, error?: unknown): string {
  if (runFailureCode(reason) !== 'WORKER_ERROR') return reason;
  return error === undefined ? 'WORKER_ERROR' : `WORKER_ERROR (${errorCode(error)})`;
}
