import type { RunFailureCode } from '@bridgenotes/database';

/**
 * What anyone may read of why a scoring run failed. `scoring_runs.error` keeps the worker's own
 * text, which for an unexpected error is whatever a library put in its message: a database
 * error can quote the values of a row (a note's text, which a redaction must remove everywhere),
 * a connection error the database's host. The runs routes are public, so they answer a code
 * and a fixed message for it, never the stored text; the operator reads that in the worker's
 * log (`run <id> attempt <n> failed: …`) or the run's row.
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
  WORKER_ERROR:
    "The worker's last attempt failed with an error; the operator finds its text in the worker's log",
};
