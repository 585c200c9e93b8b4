import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import {
  InjectQueue,
  JobName,
  JobProducer,
  JOBS,
  type JobQueue,
  QueueName,
} from '@bridgenotes/queue';

import { PollingLoop } from '../common/polling-loop';

const POLL_MS = 2_000;
const BATCH = 100;

/**
 * How often, and after how long in the queue, deliveries not delivered nor given up are looked
 * up in the queue (`recover`): one whose job the queue no longer has (Redis restarted empty,
 * flushed, or evicting) is queued again, one whose job ended unrecorded is recorded.
 */
export const RECOVER_MS = 60_000;
export const RECOVER_AFTER_MS = 60_000;

/** Why a delivery that ended without any attempt's record was given up. */
const UNRECORDED_END = {
  failed: 'given up: its last attempt failed and the worker could not record why',
  unknown: 'given up: the queue lost it after its last attempt',
} as const;

/** The attempts every delivery's job gets (the catalogue's, `JOBS`). */
const WEBHOOK_ATTEMPTS = JOBS[JobName.DeliverWebhook].options?.({ deliveryId: '' }).attempts ?? 1;

/**
 * Hands the status-change events that scoring runs write to the webhook queue. The job id is the
 * delivery's id, so a pass that fails after adding a job but before marking the row re-adds
 * nothing: a receiver gets each event once unless its own answer was lost. A delivery queued
 * whose job the queue then lost is queued again (`recover`), under the same id, and one whose job
 * ended without the row being told is recorded as its job ended.
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
    // never a later run's while an earlier one is in backoff, however long that lasts. No time
    // lets a later one past: `recover` ends a delivery whose job the queue failed for good or
    // finished unrecorded, and queues again one it lost, so every open delivery has a job that
    // ends it (12 attempts, about 17 h of backoff).
    const pending = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT d.id FROM webhook_deliveries d
       WHERE d.enqueued_at IS NULL
         AND NOT EXISTS (
               SELECT FROM webhook_deliveries e
                WHERE e.community_id = d.community_id
                  AND e.delivered_at IS NULL AND e.gave_up_at IS NULL
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
   * up, after the last page's (from the start again once a page comes back short), each settled
   * by what the queue knows of its job, since the next delivery of its community waits for it:
   *
   * - failed (no retry follows: its attempts spent, or an error no retry mends) while the row
   *   was not told (the failure hook's write was lost): given up, as the handler records it;
   * - completed while the row was not told: delivered, as the handler records it (the job ends
   *   only once the receiver answered 2xx and the row was written);
   * - unknown (Redis restarted empty, flushed, or evicting): queued again, under the same id,
   *   unless the row has spent its 12 attempts already (given up instead: the queue losing it
   *   again and again would otherwise retry it forever, holding its community back);
   * - waiting, delayed between its retries (up to 17 hours), or active: left alone.
   *
   * Returns the ids queued again.
   */
  async recover(): Promise<string[]> {
    const page = await this.prisma.webhookDelivery.findMany({
      where: {
        enqueuedAt: { lt: new Date(Date.now() - RECOVER_AFTER_MS) },
        deliveredAt: null,
        gaveUpAt: null,
        ...(this.recoveredThrough && { id: { gt: this.recoveredThrough } }),
      },
      select: { id: true, attempts: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    this.recoveredThrough = page.length < BATCH ? undefined : page[page.length - 1]?.id;
    const lost: string[] = [];
    let settled = 0;
    for (const { id, attempts } of page) {
      const state = await this.queue.getJobState(id);
      if (state === 'unknown' && attempts < WEBHOOK_ATTEMPTS) lost.push(id);
      else if (state === 'unknown' || state === 'failed' || state === 'completed') {
        settled += await this.settle(id, state);
      }
    }
    if (settled > 0) {
      this.logger.warn(`${settled} webhook deliveries the queue had ended unrecorded: recorded`);
    }
    if (lost.length === 0) return lost;
    await this.jobs.enqueueBulk(
      JobName.DeliverWebhook,
      lost.map((deliveryId) => ({ data: { deliveryId } })),
    );
    this.logger.warn(`${lost.length} webhook deliveries the queue had lost: queued again`);
    return lost;
  }

  /**
   * Records the end the queue knows of a delivery the row still shows open, with the columns
   * and meaning `DeliverWebhookHandler` gives it: `deliveredAt` and no error for a completed job;
   * `gaveUpAt` for one failed for good, or lost with its attempts spent, keeping the last error
   * an attempt's hook recorded (the queue keeps only a code: QueueWorkers), or saying why when
   * none did. Only if the row is still open: the handler's own record, written meanwhile, stands.
   * Returns how many rows it changed (0 or 1).
   */
  private async settle(id: string, state: 'unknown' | 'failed' | 'completed'): Promise<number> {
    const open = { id, deliveredAt: null, gaveUpAt: null };
    if (state === 'completed') {
      const job = await this.queue.getJob(id);
      const { count } = await this.prisma.webhookDelivery.updateMany({
        where: open,
        data: { deliveredAt: new Date(job?.finishedOn ?? Date.now()), lastError: null },
      });
      return count;
    }
    const givenUp = await this.prisma.webhookDelivery.updateMany({
      where: { ...open, lastError: { not: null } },
      data: { gaveUpAt: new Date() },
    });
    if (givenUp.count > 0) return givenUp.count;
    const { count } = await this.prisma.webhookDelivery.updateMany({
      where: { ...open, lastError: null },
      data: { gaveUpAt: new Date(), lastError: UNRECORDED_END[state] },
    });
    return count;
  }
}
