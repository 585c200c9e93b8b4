import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, ScoringRun, ScoringRunStatus } from '@bridgenotes/database';
import {
  JobName,
  JobQueue,
  openQueue,
  QueueName,
  RescoreAllJob,
  ScoreCommunityJob,
} from '@bridgenotes/queue';
import { currentTestRun, eventually } from '@bridgenotes/testing';

import { WorkerModule } from '../app/worker.module';

export interface BootedWorker<Data, Name extends string = JobName> {
  worker: INestApplicationContext;
  /** A client of the test's own, to plant data and read what the worker wrote. */
  prisma: PrismaClient;
  /** A producer on the queue under test, to add jobs as the API would. */
  queue: JobQueue<Data, Name>;
  close(): Promise<void>;
}

/**
 * The whole worker module (every processor, schedule and dispatcher) on the test run's database
 * and queues. Settings a test needs (a short debounce) go in `process.env` before the call: the
 * module reads them while it starts.
 *
 * The periodic full rescoring (`SCORING_CRON`, hourly by default) is off unless the test sets it:
 * at hh:00 UTC it would queue a run of every community in the run's database, beside the runs a
 * test asks for and counts. (The default schedule is checked on the job catalogue, in
 * libs/queue's jobs.spec.ts; a test runs the rescoring by adding its job.)
 */
export async function bootWorker<Data, Name extends string = JobName>(
  queueName: QueueName,
): Promise<BootedWorker<Data, Name>> {
  process.env['SCORING_CRON'] ??= 'off';
  const run = currentTestRun();
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
  const worker = await moduleRef.init();
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: run.databaseUrl }),
  });
  const queue = openQueue<Data, Name>(queueName, {
    backend: run.queueBackend,
    databaseUrl: run.databaseUrl,
    redisUrl: run.redisUrl,
    prefix: run.queuePrefix,
    role: 'producer',
  });
  return {
    worker,
    prisma,
    queue,
    close: async () => {
      await worker.close();
      await queue.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * The run a `score-community` job serves, once it has succeeded: the job's own run (the one it
 * names, or the one it recorded on its first attempt and keeps in its data), never another run
 * of the community that happens to finish meanwhile.
 */
export function succeededRunOf(
  { prisma, queue }: BootedWorker<ScoreCommunityJob | RescoreAllJob>,
  jobId: string,
): Promise<ScoringRun> {
  return eventually(async () => {
    const runId = (await queue.getJob(jobId))?.data.runId;
    if (!runId) throw new Error(`job ${jobId} has not recorded its run yet`);
    const run = await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status !== ScoringRunStatus.SUCCEEDED) throw new Error(`run ${runId} is ${run.status}`);
    return run;
  });
}
