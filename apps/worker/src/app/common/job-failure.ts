import { runFailureCode, runFailureReason, type RunFailureCode } from '@bridgenotes/database';
import {
  DelayedError,
  RATE_LIMIT_ERROR,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
} from 'bullmq';

/**
 * What a job's error leaves in the queue: its code and fixed sentence (`runFailureReason`: for a
 * failure the system names, its code, else WORKER_ERROR), and no stack (BullMQ keeps none for an
 * error without one); retried or not as the error would have been. The error rides along as the
 * cause, which BullMQ does not keep.
 *
 * BullMQ keeps what a job fails with, its message as the failed reason and its stack, message
 * included, in the stack traces, for as long as the failed job (`removeOnFail`: 30 days), where
 * Bull Board, whoever holds the queue's credentials, and a copy of Redis or (embedded) of the
 * database read it. An unexpected error's text is whatever a library put in it: SQL and a row's
 * values, the database's host, a URL with its password, file paths.
 *
 * `classify` names the failure's code: by default from the error's text (`runFailureCode`); a
 * handler that knows more of its errors passes its own (the scoring run's, `runFailureCodeOf`,
 * also reads a lost connection's codes).
 */
export function queuedFailure(
  error: unknown,
  classify: (error: unknown) => RunFailureCode = codeOfText,
): Error {
  const reason = runFailureReason(classify(error));
  const queued = unrecoverable(error) ? new UnrecoverableError(reason) : new Error(reason);
  queued.cause = error;
  queued.stack = '';
  return queued;
}

/**
 * Whether BullMQ may keep `error` as it is: one of its own signals (a job moved to delayed or to
 * waiting, or rate-limited), which fail nothing, or an error that is already a code and its
 * sentence, without a stack (`queuedFailure`'s, or a handler's own).
 */
export function queueable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (
    error instanceof DelayedError ||
    error instanceof WaitingError ||
    error instanceof WaitingChildrenError ||
    ['DelayedError', 'WaitingError', 'WaitingChildrenError'].includes(error.name) ||
    error.message === RATE_LIMIT_ERROR
  ) {
    return true;
  }
  return !error.stack && error.message === runFailureReason(runFailureCode(error.message));
}

/** The code the text of `error` names (`runFailureCode`), else WORKER_ERROR. */
function codeOfText(error: unknown): RunFailureCode {
  return runFailureCode(error instanceof Error ? error.message : '');
}

/** As BullMQ tells an unrecoverable error: by its class, or its name (another copy of BullMQ). */
function unrecoverable(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError ||
    (error instanceof Error && error.name === 'UnrecoverableError')
  );
}
