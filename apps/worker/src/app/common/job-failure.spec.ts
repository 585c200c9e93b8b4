import { runFailureCodeOf, runFailureReason, RUN_FAILURE_TEXTS } from '@bridgenotes/database';
import {
  DelayedError,
  RATE_LIMIT_ERROR,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
  Worker,
} from 'bullmq';

import { queueable, queuedFailure } from './job-failure';

/** An error of BullMQ's as another copy of BullMQ makes it: its name, not this copy's class. */
function fromAnotherCopy(name: string): Error {
  const error = new Error(`${name} thrown by another copy`);
  error.name = name;
  return error;
}

/**
 * What the queue's workers let BullMQ keep as it is (`queueable`): its own signals, which fail
 * nothing, and an error that is a code and its sentence without a stack; anything else is made
 * one (`queuedFailure`) first.
 */
describe('queueable', () => {
  it.each([
    ['DelayedError', new DelayedError()],
    ['WaitingError', new WaitingError()],
    ['WaitingChildrenError', new WaitingChildrenError()],
  ])("passes BullMQ's %s through, by its class", (_, signal) => {
    // Renamed, so that only its class can pass it (BullMQ names each by its class).
    signal.name = 'Renamed';
    expect(signal.stack).toBeTruthy();
    expect(queueable(signal)).toBe(true);
  });

  it.each(['DelayedError', 'WaitingError', 'WaitingChildrenError'])(
    "passes BullMQ's %s through by its name, from another copy of BullMQ",
    (name) => {
      const signal = fromAnotherCopy(name);
      expect(signal).not.toBeInstanceOf(DelayedError);
      expect(queueable(signal)).toBe(true);
    },
  );

  it("passes BullMQ's rate-limit signal through, by its message", () => {
    expect(queueable(Worker.RateLimitError())).toBe(true);
    expect(queueable(new Error(RATE_LIMIT_ERROR))).toBe(true);
  });

  it("passes queuedFailure's errors through, recoverable or not, whatever classified them", () => {
    const timedOut = new UnrecoverableError(RUN_FAILURE_TEXTS.timedOut('r1', 60));
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {
      code: 'ECONNRESET',
    });
    const unexpected = new Error(`duplicate key: INSERT INTO notes VALUES ('Ana Souza')`);
    for (const error of [timedOut, lost, unexpected]) {
      expect(queueable(queuedFailure(error))).toBe(true);
      expect(queueable(queuedFailure(error, runFailureCodeOf))).toBe(true);
    }
    expect(queuedFailure(lost, runFailureCodeOf).message).toBe(
      runFailureReason('DATABASE_UNAVAILABLE'),
    );
    expect(queuedFailure(lost).message).toBe(runFailureReason('WORKER_ERROR'));
    expect(queuedFailure(timedOut)).toBeInstanceOf(UnrecoverableError);
    expect(queuedFailure(timedOut).message).toBe(runFailureReason('TIMED_OUT'));
    // A handler's own code and sentence, without a stack.
    const own = new Error(runFailureReason('SUPERSEDED'));
    own.stack = '';
    expect(queueable(own)).toBe(true);
  });

  it('does not pass an ordinary error: one with a stack, or with a text of its own', () => {
    // A code and its sentence, but with a stack (which BullMQ would keep).
    expect(queueable(new Error(runFailureReason('WORKER_ERROR')))).toBe(false);
    expect(queueable(new UnrecoverableError(runFailureReason('TIMED_OUT')))).toBe(false);
    // A text the system names, without a stack, but not a code and its sentence.
    const named = new UnrecoverableError(RUN_FAILURE_TEXTS.timedOut('r1', 60));
    named.stack = '';
    expect(queueable(named)).toBe(false);
    // Free text, stack or not.
    const quoting = new Error(
      `INSERT INTO "notes" ("text") VALUES ('Ana Souza lives at 12 Elm St')`,
    );
    expect(queueable(quoting)).toBe(false);
    quoting.stack = '';
    expect(queueable(quoting)).toBe(false);
    // Not an error at all.
    expect(queueable('WORKER_ERROR')).toBe(false);
    expect(queueable(undefined)).toBe(false);
  });
});
