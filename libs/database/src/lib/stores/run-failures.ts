import { RunFailureCode } from '../../generated/prisma/client';
import { errorCode } from '../error-code';

/**
 * Why a scoring run failed, as anyone may read it: `scoring_runs.error_code` keeps the code
 * (`ScoringRunStore.fail`), the runs routes and the console show it with its fixed sentence
 * (`RUN_FAILURES`), and the run's queue job fails with the two (`runFailureReason`), which is
 * what BullMQ keeps as its failed reason. Never an error's own text: for an unexpected error it
 * is whatever a library put in its message (SQL, a row's values, a note's text, the database's
 * host, file paths), which goes to the worker's log only, by its codes (`runFailureForLog`).
 */
export const RUN_FAILURES: Record<RunFailureCode, string> = {
  STALLED:
    'Its job stalled more often than the queue allows: the workers running it stopped renewing its lock (killed, or blocked for SCORING_LOCK_SECONDS)',
  JOB_LOST: "Its job is no longer in the queue (removed, or lost with the queue's data)",
  JOB_COMPLETED_UNPUBLISHED: 'Its job completed without publishing the run',
  RUN_NOT_PENDING: 'Its job found the run missing or finished already',
  SUPERSEDED:
    "A newer run already published the community's later writes, or the same ones at a later time: this one would have published older data over them",
  BASE_REPLACED:
    'It was planned on a full run that a newer full run replaced before it could publish, and its retries ran out',
  COPIED_UNFINISHED:
    'It had not finished when the data was copied to another database; the next run there takes over',
  WORKER_ERROR:
    "The worker's last attempt failed with an error; the operator finds its text in the worker's log",
};

/** BullMQ's reason for a job it failed for stalling (`moveStalledJobsToWait`). */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';

/**
 * The failures the system itself names, with the ids that help an operator: the texts of the
 * errors the worker and the publisher throw, and of the worker's log lines. Only ids: a text
 * holds no stored value.
 */
export const RUN_FAILURE_TEXTS = {
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

const CODES = Object.keys(RUN_FAILURES).join('|');

const KNOWN: [RegExp, RunFailureCode][] = [
  [new RegExp(`^(${CODES}): `), 'WORKER_ERROR'],
  [new RegExp(`^${BULLMQ_STALLED_REASON}\\b`), 'STALLED'],
  [/^Its job \S+ is no longer in the queue\b/, 'JOB_LOST'],
  [/^Its job \S+ completed without publishing the run$/, 'JOB_COMPLETED_UNPUBLISHED'],
  [/^Scoring run \S+ of community \S+ is not pending$/, 'RUN_NOT_PENDING'],
  [/^Scoring run \S+ was superseded: run \S+ already published\b/, 'SUPERSEDED'],
  [/^Scoring run \S+ scored on run \S+, which a newer full run has replaced$/, 'BASE_REPLACED'],
];

/**
 * The code of a failure: of a reason `runFailureReason` made (a job's failed reason), of a text
 * the system names (`RUN_FAILURE_TEXTS`, BullMQ's stalled reason), else WORKER_ERROR.
 */
export function runFailureCode(reason: string): RunFailureCode {
  for (const [pattern, code] of KNOWN) {
    const match = pattern.exec(reason);
    if (match) return (match[1] as RunFailureCode | undefined) ?? code;
  }
  return 'WORKER_ERROR';
}

/** What a run's queue job fails with: the code and its fixed sentence. */
export function runFailureReason(code: RunFailureCode): string {
  return `${code}: ${RUN_FAILURES[code]}`;
}

/**
 * A run's failure for the worker's log: its text when the system names it (`RUN_FAILURE_TEXTS`,
 * with the ids), else WORKER_ERROR with the error's codes (`errorCode`): an unexpected error's
 * message may quote stored data (a note's text, a pseudonym), which would tie a write to a
 * member in the log.
 */
export function runFailureForLog(reason: string, error?: unknown): string {
  if (runFailureCode(reason) !== 'WORKER_ERROR') return reason;
  return error === undefined ? 'WORKER_ERROR' : `WORKER_ERROR (${errorCode(error)})`;
}
