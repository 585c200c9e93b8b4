import { PrismaClient } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobQueue, PruneDailyCountsJob, QueueName } from '@bridgenotes/queue';
import { eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';

import { BootedWorker, bootWorker } from '../../testing/booted-worker';

const DAY_MS = 86_400_000;

/** A UTC day `offset` days from today, as the DATE column stores it. */
const utcDay = (offset: number) =>
  new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + offset * DAY_MS);

describe('pruning the daily quota counts', () => {
  let booted: BootedWorker<PruneDailyCountsJob>;
  let prisma: PrismaClient;
  let queue: JobQueue<PruneDailyCountsJob>;

  beforeAll(async () => {
    booted = await bootWorker(QueueName.Scoring);
    ({ prisma, queue } = booted);
  });

  afterAll(() => booted?.close());

  it('is scheduled daily and keeps only the counts of today (UTC)', async () => {
    await eventually(async () =>
      expect(await queue.getJobScheduler(JobName.PruneDailyCounts)).toMatchObject({
        pattern: '10 0 * * *',
        tz: 'UTC',
      }),
    );
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug: `q-${id.slice(0, 8)}`, name: 'q', scope: communityScope(id).toString() },
    });
    // Tomorrow stands for a write made around midnight by a clock a little ahead: kept too.
    const days = [-400, -2, -1, 0, 1];
    await prisma.pseudonymDailyCount.createMany({
      data: days.map((offset) => ({
        communityId: id,
        pseudonym: '7',
        day: utcDay(offset),
        notes: 1,
      })),
    });
    await queue.add(JobName.PruneDailyCounts, {}, { jobId: randomUUID() });
    await eventually(async () => {
      const left = await prisma.pseudonymDailyCount.findMany({
        where: { communityId: id },
        orderBy: { day: 'asc' },
      });
      expect(left.map((row) => row.day.toISOString())).toEqual([
        utcDay(0).toISOString(),
        utcDay(1).toISOString(),
      ]);
    });
  });
});
