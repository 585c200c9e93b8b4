import { PrismaClient } from '@bridgenotes/database';
import { communityScope, verifyWebhook, WEBHOOK_HEADERS } from '@bridgenotes/protocol';
import { DeliverWebhookJob, JobName, JobQueue, QueueName } from '@bridgenotes/queue';
import { eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BootedWorker, bootWorker } from '../../testing/booted-worker';

const SECRET = 'whsec-test-0123456789abcdef';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook deliveries', () => {
  let booted: BootedWorker<DeliverWebhookJob, JobName.DeliverWebhook>;
  let prisma: PrismaClient;
  let queue: JobQueue<DeliverWebhookJob, JobName.DeliverWebhook>;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  /** Status codes the receiver answers, in turn; 204 once they run out. */
  const answers: number[] = [];

  beforeAll(async () => {
    booted = await bootWorker(QueueName.Webhooks);
    ({ prisma, queue } = booted);
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bridgenotes`;
  });

  afterAll(async () => {
    await booted?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A community with a webhook and one finished run whose changes wait in the outbox. */
  async function pendingDelivery(): Promise<{ id: string; payload: object }> {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `hook-${communityId.slice(0, 8)}`,
        name: 'hook',
        scope: communityScope(communityId).toString(),
        webhookUrl: url,
        webhookSecret: SECRET,
      },
    });
    const scoringRun = await prisma.scoringRun.create({
      data: { communityId, status: 'SUCCEEDED', finishedAt: new Date() },
    });
    const payload = {
      type: 'note-status.changed',
      community: 'hook',
      runId: scoringRun.id,
      changes: [
        { noteId: randomUUID(), previous: 'NEEDS_MORE_RATINGS', next: 'CURRENTLY_RATED_HELPFUL' },
      ],
    };
    const delivery = await prisma.webhookDelivery.create({
      data: { communityId, runId: scoringRun.id, payload },
    });
    return { id: delivery.id, payload };
  }

  const deliveriesOf = (id: string) =>
    received.filter((request) => request.headers[WEBHOOK_HEADERS.delivery] === id);

  it('POSTs the event signed with the community secret, once, and records it delivered', async () => {
    const { id, payload } = await pendingDelivery();
    const delivered = await eventually(async () => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      if (!row.deliveredAt) throw new Error('not delivered yet');
      return row;
    });
    expect(delivered).toMatchObject({ attempts: 1, lastError: null });

    const [request, ...again] = deliveriesOf(id);
    expect(again).toHaveLength(0);
    expect(JSON.parse(request?.body ?? '')).toEqual(payload);
    const headers = {
      timestamp: request?.headers[WEBHOOK_HEADERS.timestamp] as string,
      signature: request?.headers[WEBHOOK_HEADERS.signature] as string,
    };
    expect(verifyWebhook(SECRET, headers, request?.body ?? '')).toBe(true);
    expect(verifyWebhook('another-secret', headers, request?.body ?? '')).toBe(false);
  });

  it('retries with backoff after an error answer, keeping the error for the operator', async () => {
    answers.push(503);
    const { id } = await pendingDelivery();
    const failedOnce = await eventually(async () => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      if (!row.lastError) throw new Error('no failed attempt yet');
      return row;
    });
    expect(failedOnce).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(failedOnce.lastError).toMatch(/HTTP 503/);

    // The backoff is 30 s and more; skip the wait as time passing would.
    const job = await eventually(async () => {
      const found = await queue.getJob(id);
      expect(await found?.getState()).toBe('delayed');
      return found;
    });
    await job?.promote();
    await eventually(async () => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ attempts: 2, lastError: null });
      expect(row.deliveredAt).not.toBeNull();
    });
    expect(deliveriesOf(id)).toHaveLength(2);
  });
});
