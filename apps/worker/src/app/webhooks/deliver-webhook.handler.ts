import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Environment, PRIVATE_ADDRESS_CODE, receiverLookup } from '@bridgenotes/config';
import { errorCode, PrismaService } from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName, QueuedJob } from '@bridgenotes/queue';
import { signWebhook, WEBHOOK_HEADERS } from '@bridgenotes/protocol';
import { UnrecoverableError } from 'bullmq';
import { Agent, fetch } from 'undici';

import { PRIVATE_ADDRESS_REFUSAL, refusedReceiver } from './receiver-address';

type DeliverWebhook = QueuedJob<JobName.DeliverWebhook>;

const TIMEOUT_MS = 10_000;

/**
 * A failure the handler names itself, in a fixed sentence with no value (the receiver's status, a
 * timeout, the network error's code, why it will not send): the one kind of error whose message
 * the operator reads (`lastError`) and the log keeps. Retried, unless `DeliveryRefused`.
 */
export class DeliveryFailed extends Error {
  override readonly name = 'DeliveryFailed';
}

/** A `DeliveryFailed` with no retry to follow (BullMQ's `UnrecoverableError`). */
export class DeliveryRefused extends UnrecoverableError {}

/**
 * What the operator and the log are told of any other error (Prisma's, the signature's, the
 * payload's), whose message may hold the database's host, a password, SQL and its values: a
 * fixed sentence and the error's codes, never its message.
 */
export function failureSentence(error: unknown): string {
  if (error instanceof DeliveryFailed || error instanceof DeliveryRefused) return error.message;
  // `errorCode` keeps a plain Error's message (ours are fixed sentences; a library's are not).
  const plain = error instanceof Error && error.constructor === Error;
  const code =
    plain && (error as { code?: unknown }).code === undefined ? 'Error' : errorCode(error);
  return `WORKER_ERROR: the delivery failed inside the worker (${code})`;
}

/**
 * POSTs one status-change event to its community's webhook, signed with the community's secret.
 * Anything but a 2xx answer (or no answer in 10 s) fails the attempt; BullMQ retries with
 * exponential backoff, and the row records the attempts and the last error for the operator.
 *
 * The operator reads that error (`GET …/webhook/deliveries`), and the log keeps it: never the URL
 * (which may carry a password), what a name resolved to, or another error's message (the
 * database's host, SQL and its values), only the handler's own fixed sentences
 * (`DeliveryFailed`) and, for any other error, `WORKER_ERROR` and its codes (`failureSentence`). Unless
 * `WEBHOOK_ALLOW_PRIVATE_RECEIVERS` is set, the receiver's address is checked where the socket
 * connects (a literal in the URL before it, a name as it resolves, so a name that changes its
 * answer between checks cannot slip through): the worker POSTs from inside the network.
 */
@Injectable()
@HandlesJob(JobName.DeliverWebhook)
export class DeliverWebhookHandler
  implements JobHandler<JobName.DeliverWebhook>, OnApplicationShutdown
{
  private readonly logger = new Logger(DeliverWebhookHandler.name);
  private readonly agent: Agent;

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {
    this.agent = new Agent(
      env.WEBHOOK_ALLOW_PRIVATE_RECEIVERS ? {} : { connect: { lookup: receiverLookup } },
    );
  }

  /**
   * The last phase of Nest's shutdown: the queue workers stop taking jobs and drain theirs before
   * it (`QueueWorkers.beforeApplicationShutdown`). Closed earlier, a delivery taken meanwhile
   * failed with UND_ERR_CLOSED, spending an attempt and recording an error that was not the
   * receiver's.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async handle(job: DeliverWebhook): Promise<void> {
    const delivery = await this.prisma.webhookDelivery.findUnique({
      where: { id: job.data.deliveryId },
      include: { community: { select: { webhookUrl: true, webhookSecret: true } } },
    });
    if (!delivery) throw new DeliveryRefused(`No webhook delivery ${job.data.deliveryId}`);
    if (delivery.deliveredAt) return;
    const { webhookUrl, webhookSecret } = delivery.community;
    if (!webhookUrl || !webhookSecret) {
      throw new DeliveryRefused('The community no longer has a webhook');
    }
    const refusal = refusedReceiver(webhookUrl, this.env.WEBHOOK_ALLOW_PRIVATE_RECEIVERS);
    if (refusal) throw new DeliveryRefused(refusal);

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
      dispatcher: this.agent,
    }).catch((error: unknown) => {
      throw new DeliveryFailed(describeFailure(error));
    });
    // The receiver's body is not ours to read (it could be endless): only its status counts.
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new DeliveryFailed(`the webhook answered HTTP ${response.status}`);
    }
    await this.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: { deliveredAt: new Date(), lastError: null },
    });
  }

  /** `final`: no retry follows; the row records that it was given up (`db:copy` reads it). */
  async failed(job: DeliverWebhook, error: Error, final: boolean): Promise<void> {
    const sentence = failureSentence(error);
    this.logger.warn(
      `webhook delivery ${job.data.deliveryId} failed${final ? ', given up' : ''}: ${sentence}`,
    );
    await this.prisma.webhookDelivery.updateMany({
      where: { id: job.data.deliveryId },
      data: { lastError: sentence.slice(0, 500), ...(final && { gaveUpAt: new Date() }) },
    });
  }
}

/**
 * What the operator is told of a request that got no answer: a fixed sentence and the network
 * error's code (ECONNREFUSED, ENOTFOUND, …), never fetch's message or its cause's, which may name
 * the URL, the host or the address it resolved to.
 */
function describeFailure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `the webhook did not answer within ${TIMEOUT_MS / 1_000} s`;
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === undefined || !/^[A-Z][A-Z0-9_]{0,39}$/.test(code)) {
    return 'the webhook could not be reached';
  }
  if (code === PRIVATE_ADDRESS_CODE) return PRIVATE_ADDRESS_REFUSAL;
  return `the webhook could not be reached (${code})`;
}
