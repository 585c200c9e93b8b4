import { Injectable, type INestApplicationContext, Logger } from '@nestjs/common';
import { runFailureReason } from '@bridgenotes/database';
import {
  HandlesJob,
  JobHandler,
  JobName,
  JobQueue,
  QueueName,
  queueToken,
  type QueuedJob,
} from '@bridgenotes/queue';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { type Job, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';

import { bootQueueConsumer } from '../../testing/queue-consumer';
import { QueueWorkersModule } from './queue-workers';

/** What a library's error can quote: SQL, a row's values, a host and its password. */
const SECRET = 'Ana Souza lives at 12 Elm St';
const SQL = `INSERT INTO "notes" ("text") VALUES ('${SECRET}')`;
const HOST = 'postgres://bridgenotes:s3cr3t-pw@db.internal:5432';

type Prune = QueuedJob<JobName.PruneDailyCounts>;
type RescoreAll = QueuedJob<JobName.RescoreAll>;

/** The error each job throws (by job id), and what the failure hook was given. */
const throws = new Map<string, unknown>();
const hooked: { jobId?: string; error: Error; final: boolean }[] = [];

/** A handler of the test's own in place of the real one: it throws what the test planted. */
@Injectable()
@HandlesJob(JobName.PruneDailyCounts)
class ThrowingHandler implements JobHandler<JobName.PruneDailyCounts> {
  async handle(job: Prune): Promise<void> {
    throw throws.get(job.id as string);
  }

  async failed(job: Prune, error: Error, final: boolean): Promise<void> {
    hooked.push({ jobId: job.id, error, final });
  }
}

/** One without a failure hook: the queue's worker logs its failures. */
@Injectable()
@HandlesJob(JobName.RescoreAll)
class HooklessHandler implements JobHandler<JobName.RescoreAll> {
  async handle(job: RescoreAll): Promise<void> {
    throw throws.get(job.id as string);
  }
}

/**
 * What BullMQ keeps of a job that failed (its failed reason and stack traces, for 30 days, read by
 * anyone holding the queue's credentials or a copy of Redis or, embedded, of the database): the
 * code and fixed sentence only, whatever the handler threw; the failure hook gets the error
 * itself. On a namespace of the test's own, with a handler of its own.
 */
describe('what a failed job leaves in the queue', () => {
  const run = currentTestRun();
  const saved = { ...process.env };
  let app: INestApplicationContext;
  let scoring: JobQueue<unknown, string>;

  beforeAll(async () => {
    Object.assign(process.env, {
      QUEUE_PREFIX: `${run.queuePrefix}-failures`,
      SCORING_CRON: 'off',
      DAILY_COUNTS_PRUNE_CRON: 'off',
    });
    app = await bootQueueConsumer([QueueWorkersModule], [ThrowingHandler, HooklessHandler]);
    scoring = app.get(queueToken(QueueName.Scoring));
  });

  afterAll(async () => {
    process.env = saved;
    await scoring?.obliterate({ force: true });
    await app?.close();
  });

  /** Adds a job that throws `error`, and waits until BullMQ has failed it for good. */
  async function failing(
    error: unknown,
    attempts: number,
    name: JobName = JobName.PruneDailyCounts,
  ): Promise<Job> {
    const jobId = randomUUID();
    throws.set(jobId, error);
    await scoring.add(
      name,
      {},
      {
        jobId,
        attempts,
        backoff: { type: 'fixed', delay: 10 },
      },
    );
    // The state first, then the job: a job read before it failed would not say why.
    await eventually(async () => expect(await scoring.getJobState(jobId)).toBe('failed'));
    return (await scoring.getJob(jobId)) as Job;
  }

  /** The job keeps the code and sentence, no stack, and none of the error's text. */
  function expectCodeOnly(job: Job, reason = runFailureReason('WORKER_ERROR')): void {
    expect(job.failedReason).toBe(reason);
    expect(job.stacktrace).toEqual([]);
    expect(JSON.stringify(job.asJSON())).not.toMatch(/Ana Souza|INSERT|s3cr3t|\/srv\//);
  }

  const hookOf = (jobId: string | undefined) =>
    eventually(async () => {
      const calls = hooked.filter((call) => call.jobId === jobId);
      expect(calls.at(-1)?.final).toBe(true);
      return calls;
    });

  it("keeps a database error's text and stack out of the queue, and hands the hook the error itself", async () => {
    const error = Object.assign(new Error(`duplicate key: ${SQL} on ${HOST}`), {
      code: '23505',
      stack: `Error: ${SECRET}\n    at load (/srv/bridgenotes/dist/notes.store.js:1:2)`,
    });
    const job = await failing(error, 2);
    // Both attempts failed: a retried attempt's stack would be kept too.
    expect(job.attemptsMade).toBe(2);
    expectCodeOnly(job);
    const calls = await hookOf(job.id);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.error).toBe(error);
    expect(calls.map((call) => call.final)).toEqual([false, true]);
  });

  it("logs the failures of a job without a hook by the error's codes", async () => {
    const error = Object.assign(new Error(`duplicate key: ${SQL} on ${HOST}`), { code: '23505' });
    const warned = jest.spyOn(Logger.prototype, 'warn');
    try {
      const job = await failing(error, 2, JobName.RescoreAll);
      expectCodeOnly(job);
      const lines = await eventually(async () => {
        const logged = warned.mock.calls.map(([line]) => String(line));
        expect(logged).toContain(
          `the rescore-all job ${job.id} attempt 2 failed, given up: Error, SQLSTATE 23505`,
        );
        return logged;
      });
      expect(lines).toContain(
        `the rescore-all job ${job.id} attempt 1 failed: Error, SQLSTATE 23505`,
      );
      expect(lines.join('\n')).not.toMatch(/Ana Souza|INSERT|s3cr3t/);
    } finally {
      warned.mockRestore();
    }
  });

  it('fails an unrecoverable error once, without retries, with the code only', async () => {
    const error = new UnrecoverableError(`${SQL} refused by ${HOST}`);
    const job = await failing(error, 3);
    expect(job.attemptsMade).toBe(1);
    expectCodeOnly(job);
    const calls = await hookOf(job.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.error).toBe(error);
  });

  it('keeps a plain error’s message and stack out of the queue', async () => {
    const job = await failing(new TypeError(`cannot read "${SECRET}" of ${SQL}`), 1);
    expectCodeOnly(job);
  });

  it('lets an error that is its code and sentence already through as it is', async () => {
    const coded = new UnrecoverableError(runFailureReason('RUN_NOT_PENDING'));
    coded.stack = '';
    const job = await failing(coded, 3);
    expect(job.attemptsMade).toBe(1);
    expectCodeOnly(job, runFailureReason('RUN_NOT_PENDING'));
    expect((await hookOf(job.id))[0]?.error).toBe(coded);
  });
});
