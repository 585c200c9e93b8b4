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
    const pending = await this.prisma.webhookDelivery.findMany({
      where: { enqueuedAt: null },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
      take: BATCH,
    });
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
