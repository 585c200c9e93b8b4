import {
  PrismaClient,
  TICKET_CLOCK_TOLERANCE_SECONDS,
  TICKET_USE_CLOCK_SLACK_SECONDS,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobQueue, PruneDailyCountsJob, QueueName } from '@bridgenotes/queue';
import { eventually } from '@bridgenotes/testing';
import { randomBytes, randomUUID } from 'node:crypto';

import { BootedWorker, bootWorker } from '../../testing/booted-worker';

const DAY_MS = 86_400_000;

/** Today (UTC) as PostgreSQL reads it where the pruning does, as the DATE column stores it. */
async function databaseToday(prisma: PrismaClient): Promise<Date> {
  const [{ today }] = await prisma.$queryRaw<[{ today: Date }]>`
    SELECT (now() AT TIME ZONE 'UTC')::date AS today`;
  return today;
}

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
    // The days around the database's today, read once: the pruning reads the database's date,
    // which may differ from this process's clock and moves at midnight.
    const today = (await databaseToday(prisma)).getTime();
    // Tomorrow stands for a write made around midnight by a clock a little ahead: kept too.
    const days = [-400, -2, -1, 0, 1].map((offset) => new Date(today + offset * DAY_MS));
    await prisma.pseudonymDailyCount.createMany({
      data: days.map((day) => ({ communityId: id, pseudonym: '7', day, notes: 1 })),
    });
    const job = await queue.add(JobName.PruneDailyCounts, {}, { jobId: randomUUID() });
    await eventually(async () => expect(await job.getState()).toBe('completed'));
    const left = await prisma.pseudonymDailyCount.findMany({
      where: { communityId: id },
      orderBy: { day: 'asc' },
    });
    // Exactly the days from the pruning's today on. That is `today` unless midnight passed
    // while the job ran, when it may be either day (read again now, after the job).
    const kept = (from: number) =>
      days.filter((day) => day.getTime() >= from).map((day) => day.toISOString());
    const after = (await databaseToday(prisma)).getTime();
    expect(after === today ? [kept(today)] : [kept(today), kept(after)]).toContainEqual(
      left.map((row) => row.day.toISOString()),
    );
  });

  it('deletes the used credential tickets no check accepts any more, by the database’s clock', async () => {
    const [{ now }] = await prisma.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
    const kept = (TICKET_CLOCK_TOLERANCE_SECONDS + TICKET_USE_CLOCK_SLACK_SECONDS) * 1000;
    const [gone, late] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    await prisma.credentialTicketUse.createMany({
      data: [
        { ticketHash: gone, expiresAt: new Date(now.getTime() - kept - 60_000) },
        // Past its exp and the tolerance, not the slack: a process whose clock is behind the
        // database's may still accept its ticket.
        { ticketHash: late, expiresAt: new Date(now.getTime() - 60_000) },
      ],
    });
    const job = await queue.add(JobName.PruneDailyCounts, {}, { jobId: randomUUID() });
    await eventually(async () => expect(await job.getState()).toBe('completed'));
    const left = await prisma.credentialTicketUse.findMany({
      where: { ticketHash: { in: [gone, late] } },
    });
    expect(left.map((use) => use.ticketHash)).toEqual([late]);
  });
});
