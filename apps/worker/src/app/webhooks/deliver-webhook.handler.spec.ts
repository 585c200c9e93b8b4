import { Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { communityScope, verifyWebhook, WEBHOOK_HEADERS } from '@bridgenotes/protocol';
import { DeliverWebhookJob, JobName, JobQueue, QueueName } from '@bridgenotes/queue';
import { eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BootedWorker, bootWorker } from '../../testing/booted-worker';
import { QueueWorkers } from '../common/queue-workers';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { RECOVER_AFTER_MS, WebhookOutboxDispatcher } from './webhook-outbox.dispatcher';
import { PRIVATE_ADDRESS_REFUSAL } from './receiver-address';

const SECRET = 'whsec-test-0123456789abcdef';

/**
 * A name only this spec's resolver knows, answered with loopback as a hostile DNS server would:
 * the refusal must come from the lookup the webhook agent dials through, not from the name.
 */
const LOOPBACK_NAME = 'hooks.bridgenotes-test';
jest.mock('node:dns', () => {
  const dns = jest.requireActual<typeof import('node:dns')>('node:dns');
  return {
    ...dns,
    lookup: (hostname: string, options: object, callback: (...answer: unknown[]) => void) =>
      hostname === LOOPBACK_NAME
        ? callback(null, [{ address: '127.0.0.1', family: 4 }])
        : dns.lookup(hostname, options, callback as never),
  };
});

/**
 * What signing throws instead of signing, while set: an error from inside the worker, as Prisma's
 * or the payload's could be, whose message is not the handler's to show.
 */
let mockSigningFailure: Error | undefined;
jest.mock('@bridgenotes/protocol', () => {
  const protocol =
    jest.requireActual<typeof import('@bridgenotes/protocol')>('@bridgenotes/protocol');
  return {
    ...protocol,
    signWebhook: (...args: Parameters<typeof protocol.signWebhook>) => {
      if (mockSigningFailure) throw mockSigningFailure;
      return protocol.signWebhook(...args);
    },
  };
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook deliveries', () => {
  let booted: BootedWorker<DeliverWebhookJob, JobName.DeliverWebhook>;
  let prisma: PrismaClient;
  let queue: JobQueue<DeliverWebhookJob, JobName.DeliverWebhook>;
  let server: Server;
  let port: number;
  let url: string;
  const received: Received[] = [];
  /** Status codes the receiver answers, in turn; 204 once they run out. */
  const answers: number[] = [];
  /** Set by the shutdown case, which closes the worker itself. */
  let workerClosed = false;
  /** How the receiver answers the next request instead, when set. */
  let answerOnce: ((response: import('node:http').ServerResponse) => void) | undefined;

  beforeAll(async () => {
    // The receiver is on loopback: the test run opts in, as an on-premises deployment would.
    process.env['WEBHOOK_ALLOW_PRIVATE_RECEIVERS'] = 'true';
    booted = await bootWorker(QueueName.Webhooks);
    ({ prisma, queue } = booted);
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        const answer = answerOnce;
        answerOnce = undefined;
        if (answer) answer(response);
        else response.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}/bridgenotes`;
  });

  afterAll(async () => {
    delete process.env['WEBHOOK_ALLOW_PRIVATE_RECEIVERS'];
    if (workerClosed) {
      await queue.close();
      await prisma.$disconnect();
    } else {
      await booted?.close();
    }
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A community with a webhook (`webhookUrl`, the test receiver by default), and a finished run. */
  async function communityWithWebhook(
    webhookUrl = url,
  ): Promise<{ communityId: string; runId: string }> {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `hook-${communityId.slice(0, 8)}`,
        name: 'hook',
        scope: communityScope(communityId).toString(),
        webhookUrl,
        webhookSecret: SECRET,
      },
    });
    const scoringRun = await prisma.scoringRun.create({
      data: { communityId, status: 'SUCCEEDED', finishedAt: new Date() },
    });
    return { communityId, runId: scoringRun.id };
  }

  /** One event of the run waiting in the outbox, or as `outcome` says. */
  function delivery(
    { communityId, runId }: { communityId: string; runId: string },
    sequence = 1,
    outcome: { enqueuedAt?: Date; gaveUpAt?: Date; attempts?: number; lastError?: string } = {},
  ) {
    const payload = {
      type: 'note-status.changed',
      community: 'hook',
      runId,
      sequence,
      page: 1,
      pages: 1,
      changes: [
        { noteId: randomUUID(), previous: 'NEEDS_MORE_RATINGS', next: 'CURRENTLY_RATED_HELPFUL' },
      ],
    };
    return prisma.webhookDelivery.create({
      data: { communityId, runId, sequence, page: 1, payload, ...outcome },
    });
  }

  /**
   * A community with a webhook and one finished run whose changes wait in the outbox; `enqueued`:
   * already taken from the outbox, so that only the test runs it, through a handler of its own.
   */
  async function pendingDelivery(
    webhookUrl = url,
    enqueued = false,
  ): Promise<{ id: string; payload: unknown }> {
    const created = await delivery(await communityWithWebhook(webhookUrl), 1, {
      ...(enqueued && { enqueuedAt: new Date() }),
    });
    return { id: created.id, payload: created.payload };
  }

  /** The delivery's row once it is made. */
  const deliveredRow = (id: string) =>
    eventually(async () => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      if (!row.deliveredAt) throw new Error('not delivered yet');
      return row;
    });

  const deliveriesOf = (id: string) =>
    received.filter((request) => request.headers[WEBHOOK_HEADERS.delivery] === id);

  /** The delivery's row once an attempt has failed. */
  const failedRow = (id: string) =>
    eventually(async () => {
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      if (!row.lastError) throw new Error('no failed attempt yet');
      return row;
    });

  /** The `sequence` of each request the receiver got for the run, in the order they came. */
  const sequencesOf = (runId: string) =>
    received
      .filter(({ body }) => (JSON.parse(body) as { runId?: string }).runId === runId)
      .map(({ body }) => (JSON.parse(body) as { sequence: number }).sequence);

  /** Long enough ago for the recovery to look at a delivery. */
  const handedOverAgo = (ms = 2 * RECOVER_AFTER_MS) => new Date(Date.now() - ms);
  const DAY_MS = 24 * 3_600_000;

  /**
   * Recovery passes over every open delivery (a pass looks at one page of 100, and the run's
   * other specs may have open deliveries in this database).
   */
  async function recoverAll(): Promise<string[]> {
    const dispatcher = booted.worker.get(WebhookOutboxDispatcher);
    const open = await prisma.webhookDelivery.count({
      where: { deliveredAt: null, gaveUpAt: null },
    });
    const queued: string[] = [];
    for (let pass = 0; pass <= Math.ceil(open / 100); pass += 1) {
      queued.push(...(await dispatcher.recover()));
    }
    return queued;
  }

  const rowOf = (id: string) => prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });

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
    // Another attempt follows: not given up.
    expect(failedOnce).toMatchObject({ attempts: 1, deliveredAt: null, gaveUpAt: null });
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

  it("sends a community's deliveries one at a time, a later run's only once the earlier one is made", async () => {
    answers.push(503);
    const run = await communityWithWebhook();
    const first = await delivery(run, 7);
    const second = await delivery(run, 8);
    const sequences = () => sequencesOf(run.runId);
    // The first is in backoff after a 503: a dispatcher pass since leaves the second in the outbox.
    await failedRow(first.id);
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect(
      (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: second.id } })).enqueuedAt,
    ).toBeNull();
    expect(sequences()).toEqual([7]);

    const job = await eventually(async () => {
      const found = await queue.getJob(first.id);
      expect(await found?.getState()).toBe('delayed');
      return found;
    });
    await job?.promote();
    await deliveredRow(second.id);
    expect(sequences()).toEqual([7, 7, 8]);
  });

  it('holds the next delivery back behind one in backoff, however long ago it was handed over', async () => {
    answers.push(503);
    const run = await communityWithWebhook();
    const first = await delivery(run, 1);
    const second = await delivery(run, 2);
    await failedRow(first.id);
    const job = await eventually(async () => {
      const found = await queue.getJob(first.id);
      expect(await found?.getState()).toBe('delayed');
      return found;
    });
    // As after the worker was down for two days with the first between two of its retries.
    await prisma.webhookDelivery.update({
      where: { id: first.id },
      data: { enqueuedAt: handedOverAgo(2 * DAY_MS) },
    });
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect(await recoverAll()).not.toContain(first.id);
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect((await rowOf(second.id)).enqueuedAt).toBeNull();
    expect(await rowOf(first.id)).toMatchObject({ deliveredAt: null, gaveUpAt: null });
    expect(await job?.getState()).toBe('delayed');
    expect(sequencesOf(run.runId)).toEqual([1]);

    await job?.promote();
    await deliveredRow(second.id);
    expect(sequencesOf(run.runId)).toEqual([1, 1, 2]);
  });

  it('gives up a delivery whose job failed for good unrecorded, as the handler does, and sends the next', async () => {
    answers.push(503);
    const run = await communityWithWebhook();
    const first = await delivery(run, 1, { enqueuedAt: handedOverAgo() });
    // Its job, with one attempt: the 503 ends it.
    await queue.add(
      JobName.DeliverWebhook,
      { deliveryId: first.id },
      { jobId: first.id, attempts: 1 },
    );
    await eventually(async () => {
      expect(await queue.getJobState(first.id)).toBe('failed');
      expect((await rowOf(first.id)).gaveUpAt).toBeInstanceOf(Date);
    });
    // The failure hook's write lost (the database away at that moment, say).
    await prisma.webhookDelivery.update({
      where: { id: first.id },
      data: { gaveUpAt: null, lastError: null },
    });
    const second = await delivery(run, 2);
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect((await rowOf(second.id)).enqueuedAt).toBeNull();

    expect(await recoverAll()).not.toContain(first.id);
    const givenUp = await rowOf(first.id);
    // The queue keeps only a code (QueueWorkers): the row says why it ended, never that code.
    expect(givenUp).toMatchObject({
      deliveredAt: null,
      attempts: 1,
      lastError: 'given up: its last attempt failed and the worker could not record why',
    });
    expect(givenUp.gaveUpAt).toBeInstanceOf(Date);
    await deliveredRow(second.id);
    expect(sequencesOf(run.runId)).toEqual([1, 2]);
  });

  it('records delivered a delivery whose job completed unrecorded, and sends the next', async () => {
    const run = await communityWithWebhook();
    const first = await delivery(run, 1, { enqueuedAt: handedOverAgo() });
    await queue.add(JobName.DeliverWebhook, { deliveryId: first.id }, { jobId: first.id });
    await deliveredRow(first.id);
    await eventually(async () => expect(await queue.getJobState(first.id)).toBe('completed'));
    // The row's record of it lost (a database restored from before it, say).
    await prisma.webhookDelivery.update({ where: { id: first.id }, data: { deliveredAt: null } });
    const second = await delivery(run, 2);
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect((await rowOf(second.id)).enqueuedAt).toBeNull();

    expect(await recoverAll()).not.toContain(first.id);
    const made = await rowOf(first.id);
    expect(made).toMatchObject({ gaveUpAt: null, lastError: null, attempts: 1 });
    expect(made.deliveredAt).toBeInstanceOf(Date);
    await deliveredRow(second.id);
    // Sent once: the completed job is not run again.
    expect(sequencesOf(run.runId)).toEqual([1, 2]);
  });

  it('holds nothing back behind a delivery given up, and sends one whose job was lost in its turn', async () => {
    const run = await communityWithWebhook();
    const dayAgo = handedOverAgo(25 * 3_600_000);
    // Its job lost: no job of that id.
    const lost = await delivery(run, 1, { enqueuedAt: dayAgo });
    await delivery(run, 2, { enqueuedAt: dayAgo, gaveUpAt: new Date() });
    const third = await delivery(run, 3);
    await booted.worker.get(WebhookOutboxDispatcher).dispatch();
    expect((await rowOf(third.id)).enqueuedAt).toBeNull();

    expect(await recoverAll()).toContain(lost.id);
    expect(await deliveredRow(third.id)).toMatchObject({ attempts: 1 });
    expect(await rowOf(lost.id)).toMatchObject({ attempts: 1, gaveUpAt: null });
    expect(sequencesOf(run.runId)).toEqual([1, 3]);
  });

  it('gives up, rather than queue again, a delivery whose job was lost with its attempts spent', async () => {
    const run = await communityWithWebhook();
    const spent = await delivery(run, 1, {
      enqueuedAt: handedOverAgo(DAY_MS),
      attempts: 12,
      lastError: 'the webhook answered HTTP 503',
    });
    const next = await delivery(run, 2);
    expect(await recoverAll()).not.toContain(spent.id);
    const givenUp = await rowOf(spent.id);
    expect(givenUp).toMatchObject({ attempts: 12, lastError: 'the webhook answered HTTP 503' });
    expect(givenUp.gaveUpAt).toBeInstanceOf(Date);
    expect(await queue.getJobState(spent.id)).toBe('unknown');
    await deliveredRow(next.id);
    expect(sequencesOf(run.runId)).toEqual([2]);
  });

  it('sends an event in backoff nowhere once its delivery was dropped with the webhook', async () => {
    answers.push(503);
    const { id } = await pendingDelivery();
    const { communityId } = await failedRow(id);
    // What DELETE /communities/:slug/webhook does (WebhooksService.remove, whose spec checks it),
    // then a new receiver set with PUT.
    let newReceiverRequests = 0;
    const newReceiver = createServer((_, response) => {
      newReceiverRequests += 1;
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => newReceiver.listen(0, '127.0.0.1', resolve));
    try {
      await prisma.$transaction([
        prisma.community.update({
          where: { id: communityId },
          data: { webhookUrl: null, webhookSecret: null },
        }),
        prisma.webhookDelivery.deleteMany({ where: { communityId, deliveredAt: null } }),
      ]);
      const { port: newPort } = newReceiver.address() as AddressInfo;
      await prisma.community.update({
        where: { id: communityId },
        data: { webhookUrl: `http://127.0.0.1:${newPort}/new`, webhookSecret: SECRET },
      });

      const job = await eventually(async () => {
        const found = await queue.getJob(id);
        expect(await found?.getState()).toBe('delayed');
        return found;
      });
      await job?.promote();
      await eventually(async () =>
        expect(await queue.getJob(id).then((j) => j?.getState())).toBe('failed'),
      );
      expect(newReceiverRequests).toBe(0);
      expect(deliveriesOf(id)).toHaveLength(1);
    } finally {
      await new Promise((resolve) => newReceiver.close(resolve));
    }
  });

  it('never sends to, records or logs a URL with a user name and password', async () => {
    const password = 'pw-that-must-not-leak';
    const { id } = await pendingDelivery(`http://hook-user:${password}@127.0.0.1:${port}/x`);
    const row = await failedRow(id);
    expect(row.lastError).toBe(
      'the webhook URL holds a user name or password, which is never sent: set it again without them',
    );
    expect(row).toMatchObject({ attempts: 0, deliveredAt: null });
    // Not tried again (the URL will not change by itself), and recorded as given up.
    expect(
      (
        await eventually(async () => {
          const given = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
          if (!given.gaveUpAt) throw new Error('not given up yet');
          return given;
        })
      ).gaveUpAt,
    ).toBeInstanceOf(Date);
    const job = await queue.getJob(id);
    expect(await job?.getState()).toBe('failed');
    expect(job?.failedReason).not.toContain(password);
    expect(deliveriesOf(id)).toHaveLength(0);
  });

  it('records a network failure by its code, never by the message that names the host', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const { id } = await pendingDelivery(`http://127.0.0.1:${closedPort}/x`);
    expect((await failedRow(id)).lastError).toBe('the webhook could not be reached (ECONNREFUSED)');
  });

  it("records and logs an error from inside the worker by its code, never by its message, and the receiver's answers by their sentence", async () => {
    const secrets = ['db.internal.example', ':5432', 'hunter2', 'SELECT', 'pseudonym-7f3a'];
    const warn = jest.spyOn(Logger.prototype, 'warn');
    /** A delivery whose job (one attempt) the test adds itself; its row once given up. */
    const givenUp = async () => {
      const { id } = await pendingDelivery(url, true);
      await queue.add(JobName.DeliverWebhook, { deliveryId: id }, { jobId: id, attempts: 1 });
      const row = await eventually(async () => {
        const found = await rowOf(id);
        if (!found.gaveUpAt) throw new Error('not given up yet');
        return found;
      });
      const logged = warn.mock.calls.map(([message]) => String(message));
      return { row, logged: logged.filter((line) => line.includes(id)) };
    };
    try {
      for (const failure of [
        // As node-postgres or Prisma's engine could say it: plain, and of a class of its own.
        new Error(
          "Can't reach database server at db.internal.example:5432 (postgres://bn:hunter2@db.internal.example:5432/bn)",
        ),
        Object.assign(
          new TypeError(`invalid input in SELECT * FROM pseudonyms WHERE id = 'pseudonym-7f3a'`),
          { code: '22P02' },
        ),
      ]) {
        mockSigningFailure = failure;
        const { row, logged } = await givenUp();
        const code = failure instanceof TypeError ? 'TypeError, SQLSTATE 22P02' : 'Error';
        expect(row.lastError).toBe(`WORKER_ERROR: the delivery failed inside the worker (${code})`);
        expect(logged).toHaveLength(1);
        for (const text of [row.lastError, ...logged]) {
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      }
      mockSigningFailure = undefined;
      answers.push(503);
      const { row, logged } = await givenUp();
      expect(row.lastError).toBe('the webhook answered HTTP 503');
      expect(logged).toEqual([expect.stringMatching(/given up: the webhook answered HTTP 503$/)]);
    } finally {
      mockSigningFailure = undefined;
      warn.mockRestore();
    }
  });

  it('cancels the answer body instead of reading it', async () => {
    let chunksSent = 0;
    let closedByWorker!: () => void;
    const closed = new Promise<void>((resolve) => (closedByWorker = resolve));
    // An endless body, paced so that reading it for a while would show in the count.
    answerOnce = (response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => {
        chunksSent += 1;
        response.write('x'.repeat(1_024));
      }, 20);
      response.on('close', () => {
        clearInterval(timer);
        closedByWorker();
      });
    };
    const { id } = await pendingDelivery();
    const row = await eventually(async () => {
      const found = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      if (!found.deliveredAt) throw new Error('not delivered yet');
      return found;
    });
    expect(row).toMatchObject({ attempts: 1, lastError: null });
    // Read until the 10 s timeout, the body would have been some 500 chunks.
    expect(chunksSent).toBeLessThan(100);
    await closed;
  });

  describe('without WEBHOOK_ALLOW_PRIVATE_RECEIVERS', () => {
    let handler: DeliverWebhookHandler;

    beforeAll(() => {
      const env = Object.assign(new Environment(), booted.worker.get(Environment), {
        WEBHOOK_ALLOW_PRIVATE_RECEIVERS: false,
      });
      handler = new DeliverWebhookHandler(booted.worker.get(PrismaService), env);
    });

    afterAll(() => handler?.onApplicationShutdown());

    it.each([
      ['a loopback literal', () => `http://127.0.0.1:${port}/x`],
      ['an IPv6 loopback literal', () => `http://[::1]:${port}/x`],
      ['an IPv4-mapped loopback literal', () => `http://[::ffff:127.0.0.1]:${port}/x`],
      ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
      ['localhost', () => `http://localhost:${port}/x`],
      ['a name that resolves to loopback', () => `http://${LOOPBACK_NAME}:${port}/x`],
    ])('refuses %s without sending anything', async (_, receiver) => {
      const { id } = await pendingDelivery(receiver(), true);
      const job = { id, data: { deliveryId: id } } as never;
      const error = await handler.handle(job).then(
        () => undefined,
        (thrown: Error) => thrown,
      );
      expect(error?.message).toBe(PRIVATE_ADDRESS_REFUSAL);
      await handler.failed(job, error as Error, true);
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(row.lastError).toBe(PRIVATE_ADDRESS_REFUSAL);
      expect(row.gaveUpAt).toBeInstanceOf(Date);
      expect(deliveriesOf(id)).toHaveLength(0);
    });
  });

  // Last: it shuts the worker down.
  describe('at shutdown', () => {
    it('still delivers, or leaves queued, what the queue workers take until they have stopped', async () => {
      // The receiver holds its answer to the first delivery, so that the shutdown starts while
      // that delivery is in flight and waits for it.
      let letGo!: () => void;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      answerOnce = (response) => void held.then(() => response.writeHead(204).end());
      const first = await pendingDelivery();
      await eventually(async () => expect(deliveriesOf(first.id)).toHaveLength(1));
      const stopping = jest.spyOn(booted.worker.get(QueueWorkers), 'beforeApplicationShutdown');
      const closed = booted.worker.close();
      // A delivery queued while the shutdown waits for the first one.
      const second = await pendingDelivery(url, true);
      await queue.add(JobName.DeliverWebhook, { deliveryId: second.id }, { jobId: second.id });
      // Either a worker took it, or the workers are stopping (and will take nothing more).
      await eventually(async () => {
        const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: second.id } });
        if (row.attempts === 0 && stopping.mock.calls.length === 0) {
          throw new Error('neither taken nor stopping yet');
        }
      });
      letGo();
      await closed;
      workerClosed = true;
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: second.id } });
      // Taken, it was delivered: the webhook agent outlives the workers' last job (closed
      // first, it failed such a delivery with UND_ERR_CLOSED, spending an attempt).
      expect(row.lastError).toBeNull();
      if (row.attempts > 0) expect(row.deliveredAt).toBeInstanceOf(Date);
      expect(
        (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: first.id } })).deliveredAt,
      ).toBeInstanceOf(Date);
    });
  });
});
