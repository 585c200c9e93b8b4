import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { InjectQueue, JobName, JobProducer, type JobQueue, QueueName } from '@bridgenotes/queue';

import { PollingLoop } from '../common/polling-loop';

const POLL_MS = 2_000;
const BATCH = 100;

/**
 * How often, and after how long in the queue, deliveries not delivered nor given up are looked
 * up in the queue: one whose job the queue no longer has (Redis restarted empty, flushed, or
 * evicting) is queued again.
 */
export const RECOVER_MS = 60_000;
export const RECOVER_AFTER_MS = 60_000;

/**
 * Hands the status-change events that scoring runs write to the webhook queue. The job id is the
 * delivery's id, so a pass that fails after adding a job but before marking the row re-adds
 * nothing: a receiver gets each event once unless its own answer was lost. A delivery queued
 * whose job the queue then lost is queued again (`recover`), under the same id.
 */
@Injectable()
export class WebhookOutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PollingLoop(
    'dispatching webhook deliveries',
    POLL_MS,
    () => this.dispatch(),
    new Logger(WebhookOutboxDispatcher.name),
  );
  private readonly logger = new Logger(WebhookOutboxDispatcher.name);
  private readonly recovery = new PollingLoop(
    'looking for webhook deliveries the queue lost',
    RECOVER_MS,
    () => this.recover(),
    this.logger,
  );
  /** Where the next recovery pass resumes: each pass looks at one page, in id order. */
  private recoveredThrough?: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
    @InjectQueue(QueueName.Webhooks) private readonly queue: JobQueue<unknown, string>,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
    this.recovery.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.loop.stop(), this.recovery.stop()]);
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

  /**
   * One page of the deliveries queued over `RECOVER_AFTER_MS` ago and neither delivered nor given
   * up, after the last page's (from the start again once a page comes back short): those whose
   * job the queue does not know are queued again. Returns their ids. A job waiting, delayed
   * between its retries (up to 17 hours), active, or kept failed or completed, is known.
   */
  async recover(): Promise<string[]> {
    const page = await this.prisma.webhookDelivery.findMany({
      where: {
        enqueuedAt: { lt: new Date(Date.now() - RECOVER_AFTER_MS) },
        deliveredAt: null,
        gaveUpAt: null,
        ...(this.recoveredThrough && { id: { gt: this.recoveredThrough } }),
      },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    this.recoveredThrough = page.length < BATCH ? undefined : page[page.length - 1]?.id;
    const lost: string[] = [];
    for (const { id } of page) {
      if ((await this.queue.getJobState(id)) === 'unknown') lost.push(id);
    }
    if (lost.length === 0) return lost;
    await this.jobs.enqueueBulk(
      JobName.DeliverWebhook,
      lost.map((deliveryId) => ({ data: { deliveryId } })),
    );
    this.logger.warn(`${lost.length} webhook deliveries the queue had lost: queued again`);
    return lost;
  }
}
