import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { JobName, JobPayloads, JobWorker, QueueFactory, QueueName } from '@bridgenotes/queue';
import { signWebhook, WEBHOOK_HEADERS } from '@bridgenotes/protocol';
import { Job, UnrecoverableError } from 'bullmq';

type DeliveryPayload = JobPayloads[JobName.DeliverWebhook];
type DeliveryJob = Job<DeliveryPayload, void, JobName.DeliverWebhook>;

const TIMEOUT_MS = 10_000;
const CONCURRENCY = 4;

/**
 * POSTs one status-change event to its community's webhook, signed with the community's secret.
 * Anything but a 2xx answer (or no answer in 10 s) fails the attempt; BullMQ retries with
 * exponential backoff, and the row records the attempts and the last error for the operator.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private worker?: JobWorker<DeliveryPayload, JobName.DeliverWebhook>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: QueueFactory,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.worker<DeliveryPayload, JobName.DeliverWebhook>(
      QueueName.Webhooks,
      (job) => this.process(job),
      { concurrency: CONCURRENCY },
    );
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
  }

  /** Lets deliveries under way finish before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: DeliveryJob): Promise<void> {
    if (job.name !== JobName.DeliverWebhook) {
      throw new UnrecoverableError(
        `No handler for job "${String(job.name)}" on the webhooks queue`,
      );
    }
    const delivery = await this.prisma.webhookDelivery.findUnique({
      where: { id: job.data.deliveryId },
      include: { community: { select: { webhookUrl: true, webhookSecret: true } } },
    });
    if (!delivery) throw new UnrecoverableError(`No webhook delivery ${job.data.deliveryId}`);
    if (delivery.deliveredAt) return;
    const { webhookUrl, webhookSecret } = delivery.community;
    if (!webhookUrl || !webhookSecret) {
      throw new UnrecoverableError('The community no longer has a webhook');
    }

    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1_000);
    await this.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: { attempts: { increment: 1 } },
    });
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Bridgenotes-Webhook/1',
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(webhookSecret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The receiver's body is not ours to keep; drain it so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`the webhook answered HTTP ${response.status}`);
    }
    await this.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: { deliveredAt: new Date(), lastError: null },
    });
  }

  private async onFailed(job: DeliveryJob | undefined, error: Error): Promise<void> {
    if (!job) return;
    this.logger.warn(`webhook delivery ${job.data.deliveryId} failed: ${error.message}`);
    await this.prisma.webhookDelivery.updateMany({
      where: { id: job.data.deliveryId },
      data: { lastError: error.message.slice(0, 500) },
    });
  }
}
