import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName, QueuedJob } from '@bridgenotes/queue';
import { signWebhook, WEBHOOK_HEADERS } from '@bridgenotes/protocol';
import { UnrecoverableError } from 'bullmq';

type DeliverWebhook = QueuedJob<JobName.DeliverWebhook>;

const TIMEOUT_MS = 10_000;

/**
 * POSTs one status-change event to its community's webhook, signed with the community's secret.
 * Anything but a 2xx answer (or no answer in 10 s) fails the attempt; BullMQ retries with
 * exponential backoff, and the row records the attempts and the last error for the operator.
 */
@Injectable()
@HandlesJob(JobName.DeliverWebhook)
export class DeliverWebhookHandler implements JobHandler<JobName.DeliverWebhook> {
  private readonly logger = new Logger(DeliverWebhookHandler.name);

  constructor(private readonly prisma: PrismaService) {}

  async handle(job: DeliverWebhook): Promise<void> {
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

  async failed(job: DeliverWebhook, error: Error): Promise<void> {
    this.logger.warn(`webhook delivery ${job.data.deliveryId} failed: ${error.message}`);
    await this.prisma.webhookDelivery.updateMany({
      where: { id: job.data.deliveryId },
      data: { lastError: error.message.slice(0, 500) },
    });
  }
}
