import { randomUUID } from 'node:crypto';

import { RunFailureCode } from '../../generated/prisma/client';
import {
  BULLMQ_STALLED_REASON,
  RUN_FAILURE_TEXTS,
  RUN_FAILURES,
  runFailureCode,
  runFailureCodeOf,
  runFailureReason,
} from './run-failures';

describe('run failures', () => {
  it('reads back the code of every failure text the worker writes, and WORKER_ERROR for others', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(runFailureCode(BULLMQ_STALLED_REASON)).toBe('STALLED');
    expect(runFailureCode(RUN_FAILURE_TEXTS.jobLost(a))).toBe('JOB_LOST');
    expect(runFailureCode(RUN_FAILURE_TEXTS.jobCompletedUnpublished(a))).toBe(
      'JOB_COMPLETED_UNPUBLISHED',
    );
    expect(runFailureCode(RUN_FAILURE_TEXTS.runNotPending(a, b))).toBe('RUN_NOT_PENDING');
    expect(runFailureCode(RUN_FAILURE_TEXTS.superseded(a, b))).toBe('SUPERSEDED');
    expect(runFailureCode(RUN_FAILURE_TEXTS.baseReplaced(a, b))).toBe('BASE_REPLACED');
    expect(runFailureCode(RUN_FAILURE_TEXTS.timedOut(a, 3600))).toBe('TIMED_OUT');
    expect(runFailureCode(`Its job ${a} failed`)).toBe('WORKER_ERROR');
  });

  it('tells a lost database connection and a cancelled statement from other errors', () => {
    const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
    expect(runFailureCodeOf(coded('read ECONNRESET', 'ECONNRESET'))).toBe('DATABASE_UNAVAILABLE');
    expect(runFailureCodeOf(new Error('Connection terminated unexpectedly'))).toBe(
      'DATABASE_UNAVAILABLE',
    );
    expect(runFailureCodeOf(coded('terminating connection', '57P01'))).toBe('DATABASE_UNAVAILABLE');
    expect(runFailureCodeOf(coded('canceling statement due to statement timeout', '57014'))).toBe(
      'TIMED_OUT',
    );
    const wrapped = new Error('BullMQ reason');
    wrapped.cause = coded('connect ECONNREFUSED', 'ECONNREFUSED');
    expect(runFailureCodeOf(wrapped)).toBe('DATABASE_UNAVAILABLE');
    expect(runFailureCodeOf(coded('duplicate key', '23505'))).toBe('WORKER_ERROR');
    expect(runFailureCodeOf(new Error(RUN_FAILURE_TEXTS.jobLost(randomUUID())))).toBe('JOB_LOST');
  });

  it('fails a job with a code and its fixed sentence, whose code reads back', () => {
    for (const code of Object.values(RunFailureCode)) {
      expect(runFailureReason(code)).toBe(`${code}: ${RUN_FAILURES[code]}`);
      expect(runFailureCode(runFailureReason(code))).toBe(code);
    }
  });
});
