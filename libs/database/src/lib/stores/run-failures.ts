import { RunFailureCode } from '../../generated/prisma/client';
import { errorCode, prismaCode, sqlState } from '../error-code';

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
  TIMED_OUT:
    'Its last attempt was still running SCORING_RUN_TIMEOUT_SECONDS after it started (a database connection that hung, say); the community is scored again',
  DATABASE_UNAVAILABLE:
    'Its last attempt lost its database connection, or could not open one; the community is scored again',
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
  timedOut: (runId: string, seconds: number) =>
    `Scoring run ${runId} was still running ${seconds} s after its attempt started`,
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
  [/^Scoring run \S+ was still running \d+ s after its attempt started$/, 'TIMED_OUT'],
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

/** Node's codes of a connection that failed, was refused or went away. */
const CONNECTION_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The driver adapter's kinds of the same, under a Prisma error. */
const CONNECTION_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

interface MaybeConnectionError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
}

/**
 * The code of an error a scoring attempt failed with: DATABASE_UNAVAILABLE when it says the
 * database connection was lost or could not be had (Node's connection codes, SQLSTATE class 08
 * and the server's shutdowns 57P01-57P03, Prisma's P1001/P1002/P1017 and its adapter's kinds,
 * node-postgres' "Connection terminated" and "not queryable"), TIMED_OUT for a statement the server cancelled
 * (57014: `statement_timeout`), else what its text says (`runFailureCode`). Looks through the
 * error's causes.
 */
export function runFailureCodeOf(error: unknown): RunFailureCode {
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 5; depth += 1) {
    const coded = at as MaybeConnectionError;
    const state = sqlState(at);
    if (state === '57014') return 'TIMED_OUT';
    if (state !== undefined && (state.startsWith('08') || /^57P0[123]$/.test(state))) {
      return 'DATABASE_UNAVAILABLE';
    }
    const prisma = prismaCode(at);
    if (prisma === 'P1001' || prisma === 'P1002' || prisma === 'P1017') {
      return 'DATABASE_UNAVAILABLE';
    }
    const kind = coded.meta?.driverAdapterError?.cause?.kind;
    if (typeof kind === 'string' && CONNECTION_ADAPTER_KINDS.has(kind)) {
      return 'DATABASE_UNAVAILABLE';
    }
    if (typeof coded.code === 'string' && CONNECTION_SYSTEM_CODES.has(coded.code)) {
      return 'DATABASE_UNAVAILABLE';
    }
    // node-postgres' own words for a connection that ended, or a client that lost it before.
    if (
      typeof coded.message === 'string' &&
      /^Connection terminated\b|\bis not queryable$/.test(coded.message)
    ) {
      return 'DATABASE_UNAVAILABLE';
    }
    at = coded.cause;
  }
  return runFailureCode(error instanceof Error ? error.message : '');
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
