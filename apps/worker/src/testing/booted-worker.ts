import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@bridgenotes/database';
import { JobName, JobQueue, openQueue, QueueName } from '@bridgenotes/queue';
import { currentTestRun } from '@bridgenotes/testing';

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
 */
export async function bootWorker<Data, Name extends string = JobName>(
  queueName: QueueName,
): Promise<BootedWorker<Data, Name>> {
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
