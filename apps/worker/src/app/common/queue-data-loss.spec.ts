import type { INestApplicationContext } from '@nestjs/common';
import { PrismaService, ScoringRunStore } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobProducer, JobQueue, QueueName, queueToken } from '@bridgenotes/queue';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';

import { bootQueueConsumer } from '../../testing/queue-consumer';
import { QuotasModule } from '../quotas/quotas.module';
import { WebhookOutboxDispatcher } from '../webhooks/webhook-outbox.dispatcher';
import { QueueWorkers, QueueWorkersModule } from './queue-workers';

/**
 * The queue losing its data (Redis restarted on an empty volume, flushed, or evicting): the
 * worker's queue workers and schedules on a namespace of the test's own, whose queues the test
 * empties (`obliterate`: only this namespace, never the run's other queues), then what the
 * worker finds and sets again.
 */
describe('the queue losing its data', () => {
  const run = currentTestRun();
  const prefix = `${run.queuePrefix}-lost`;
  const saved = { ...process.env };
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let scoring: JobQueue<unknown, string>;
  let webhooks: JobQueue<unknown, string>;

  beforeAll(async () => {
    Object.assign(process.env, {
      QUEUE_PREFIX: prefix,
      SCORING_CRON: 'off',
      DAILY_COUNTS_PRUNE_CRON: '10 0 * * *',
    });
    app = await bootQueueConsumer([QueueWorkersModule, QuotasModule]);
    prisma = app.get(PrismaService);
    scoring = app.get(queueToken(QueueName.Scoring));
    webhooks = app.get(queueToken(QueueName.Webhooks));
  });

  afterAll(async () => {
    process.env = saved;
    await scoring?.obliterate({ force: true });
    await webhooks?.obliterate({ force: true });
    await app?.close();
  });

  it('sets the periodic jobs’ schedules again once the queue has lost them, and leaves them alone while in place', async () => {
    await eventually(async () =>
      expect(await scoring.getJobScheduler(JobName.PruneDailyCounts)).toBeDefined(),
    );
    const workers = app.get(QueueWorkers);
    expect(await workers.restoreSchedules()).toEqual([]);

    await scoring.obliterate({ force: true });
    expect(await scoring.getJobScheduler(JobName.PruneDailyCounts)).toBeUndefined();

    expect(await workers.restoreSchedules()).toEqual([JobName.PruneDailyCounts]);
    expect(await scoring.getJobScheduler(JobName.PruneDailyCounts)).toMatchObject({
      pattern: '10 0 * * *',
      tz: 'UTC',
    });
    expect(await workers.restoreSchedules()).toEqual([]);
  });

  it('queues again the webhook deliveries whose job the queue lost, and only those', async () => {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `l-${communityId.slice(0, 8)}`,
        name: 'l',
        scope: communityScope(communityId).toString(),
      },
    });
    const { id: runId } = await app.get(ScoringRunStore).request(communityId);
    const queuedAt = new Date(Date.now() - 120_000);
    const delivery = (data: { deliveredAt?: Date; gaveUpAt?: Date; enqueuedAt?: Date | null }) =>
      prisma.webhookDelivery.create({
        // The run's place (sequence, page) is set as a publication sets it; recovery reads neither.
        data: {
          communityId,
          runId,
          sequence: 1,
          page: 1,
          payload: {},
          enqueuedAt: queuedAt,
          ...data,
        },
        select: { id: true },
      });
    const lost = await delivery({});
    const kept = await delivery({});
    const delivered = await delivery({ deliveredAt: new Date() });
    const givenUp = await delivery({ gaveUpAt: new Date() });
    const justQueued = await delivery({ enqueuedAt: new Date() });
    // The job of `kept` is still in the queue (between two of its retries, say).
    const jobs = app.get(JobProducer);
    await jobs.enqueue(JobName.DeliverWebhook, { deliveryId: kept.id }, { delay: 3_600_000 });
    // A dispatcher of the test's own, whose polling loops never start: they would take the
    // run's other deliveries.
    const dispatcher = new WebhookOutboxDispatcher(prisma, jobs, webhooks);

    // A pass looks at one page of 100: the run's other specs may have open deliveries of their
    // own in this database, so as many passes as it takes to look at every open one.
    const open = await prisma.webhookDelivery.count({
      where: { deliveredAt: null, gaveUpAt: null },
    });
    const everyPage = async () => {
      const found: string[] = [];
      for (let pass = 0; pass <= Math.ceil(open / 100); pass += 1) {
        found.push(...(await dispatcher.recover()));
      }
      return found;
    };
    const requeued = await everyPage();
    expect(requeued).toContain(lost.id);
    for (const other of [kept, delivered, givenUp, justQueued]) {
      expect(requeued).not.toContain(other.id);
    }
    expect(await webhooks.getJobState(lost.id)).toBe('waiting');
    expect(await webhooks.getJobState(kept.id)).toBe('delayed');
    // Its job is known again: the next pass leaves it alone.
    expect(await everyPage()).not.toContain(lost.id);
  });
});
