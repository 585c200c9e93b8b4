import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { JobName, JobProducer } from '@bridgenotes/queue';

import { PollingLoop } from '../common/polling-loop';

const POLL_MS = 2_000;
const BATCH = 100;

/**
 * Hands the status-change events that scoring runs write to the webhook queue. The job id is the
 * delivery's id, so a pass that fails after adding a job but before marking the row re-adds
 * nothing: a receiver gets each event once unless its own answer was lost.
 */
@Injectable()
export class WebhookOutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PollingLoop(
    'dispatching webhook deliveries',
    POLL_MS,
    () => this.dispatch(),
    new Logger(WebhookOutboxDispatcher.name),
  );

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  async dispatch(): Promise<number> {
    // Each community's first delivery still to make, alone: the next one waits until it is made
    // or given up, so a receiver gets a community's events in order (`sequence`, then `page`),
    // never a later run's while an earlier one is in backoff. One handed over a day ago and
    // neither made nor given up (its 12 attempts span about 17 h: its job was lost, or its last
    // failure went unrecorded) holds nothing back.
    const pending = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT d.id FROM webhook_deliveries d
       WHERE d.enqueued_at IS NULL
         AND NOT EXISTS (
               SELECT FROM webhook_deliveries e
                WHERE e.community_id = d.community_id
                  AND e.delivered_at IS NULL AND e.gave_up_at IS NULL
                  AND (e.enqueued_at IS NULL OR e.enqueued_at > now() - interval '1 day')
                  AND (e.sequence, e.page, e.created_at, e.id) < (d.sequence, d.page, d.created_at, d.id))
       ORDER BY d.created_at LIMIT ${BATCH}`;
    if (pending.length === 0) return 0;
    // The catalogue's options make the delivery's id the job's (see `JOBS`).
    await this.jobs.enqueueBulk(
      JobName.DeliverWebhook,
      pending.map(({ id }) => ({ data: { deliveryId: id } })),
    );
    await this.prisma.webhookDelivery.updateMany({
      where: { id: { in: pending.map(({ id }) => id) } },
      data: { enqueuedAt: new Date() },
    });
    return pending.length;
  }
}
