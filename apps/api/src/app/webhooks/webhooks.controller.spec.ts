import type { INestApplication } from '@nestjs/common';
import { NoteStatus, type PrismaClient } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { createCommunity, createTestPrisma, NOTE_FIELDS } from '../../testing/fixtures';
import { holdBeforeCommit, waitingOnAdvisoryLock } from '../../testing/hold';
import { publishScoringRun } from '../../testing/scoring';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { PRIVATE_WEBHOOK_MESSAGE } from './dto/webhook.dto';

describe('community webhooks', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
  const secret = 'a-long-enough-shared-secret-0123';

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const setWebhook = (slug: string, url: string, withSecret = secret) =>
    request(app.getHttpServer())
      .put(`/communities/${slug}/webhook`)
      .set(operator)
      .send({ url, secret: withSecret })
      .expect(200);

  /** A finished run of the community, and its deliveries recorded with the given outcomes. */
  async function runWithDeliveries(communityId: string) {
    const run = await prisma.scoringRun.create({ data: { communityId, status: 'SUCCEEDED' } });
    const add = (outcome: {
      createdAt?: Date;
      enqueuedAt?: Date;
      deliveredAt?: Date;
      gaveUpAt?: Date;
      attempts?: number;
      lastError?: string;
    }) =>
      prisma.webhookDelivery.create({
        data: { communityId, runId: run.id, sequence: 1, page: 1, payload: {}, ...outcome },
      });
    return { run, add };
  }

  it('sets and removes the webhook for the operator, never showing the secret', async () => {
    const community = await createCommunity(prisma);
    const url = 'https://newsroom.example/hooks/bridgenotes';
    const set = await request(app.getHttpServer())
      .put(`/communities/${community.slug}/webhook`)
      .set(operator)
      .send({ url, secret })
      .expect(200);
    expect(set.body).toEqual({ url });
    expect(await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).toMatchObject(
      { webhookUrl: url, webhookSecret: secret },
    );
    const shown = await request(app.getHttpServer())
      .get(`/communities/${community.slug}`)
      .expect(200);
    expect(JSON.stringify(shown.body)).not.toContain(secret);

    await request(app.getHttpServer())
      .delete(`/communities/${community.slug}/webhook`)
      .set(operator)
      .expect(204);
    expect(await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).toMatchObject(
      { webhookUrl: null, webhookSecret: null },
    );
  });

  it.each<[{ url: string; secret: string }, string]>([
    [{ url: 'ftp://example.org/x', secret }, 'url must be an http(s) URL'],
    [
      { url: 'https://hook-user:hook-password@hooks.example/x', secret },
      'url must not contain a user name or password',
    ],
    [
      { url: 'https://:hook-password@hooks.example/x', secret },
      'url must not contain a user name or password',
    ],
    ...[
      'http://127.0.0.1:8080/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/x',
      'http://[fd00:ec2::254]/x',
      'http://localhost:3000/x',
      'http://10.1.2.3/x',
      'http://192.168.0.10/x',
      'http://0.0.0.0/x',
      'http://[::ffff:127.0.0.1]/x',
    ].map((url): [{ url: string; secret: string }, string] => [
      { url, secret },
      PRIVATE_WEBHOOK_MESSAGE,
    ]),
    [{ url: 'https://example.org/x', secret: 'short' }, 'secret must be 24 to 128 characters'],
    [
      { url: 'https://example.org/x', secret: 'has spaces in it, which are not allowed' },
      'secret must be printable ASCII without spaces',
    ],
  ])('refuses %j with 400 and keeps what was set', async (body, message) => {
    const community = await createCommunity(prisma);
    const response = await request(app.getHttpServer())
      .put(`/communities/${community.slug}/webhook`)
      .set(operator)
      .send(body)
      .expect(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message,
    });
    expect(
      (response.body.details as { problems: string[] }[]).flatMap(({ problems }) => problems),
    ).toEqual([message]);
    expect(JSON.stringify(response.body)).not.toContain('hook-password');
    expect(
      (await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).webhookUrl,
    ).toBeNull();
  });

  it('takes a private receiver when the instance allows them', async () => {
    const onPremises = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_RECEIVERS: 'true' });
    try {
      const community = await createCommunity(prisma);
      const url = 'http://10.1.2.3:8080/hooks';
      await request(onPremises.getHttpServer())
        .put(`/communities/${community.slug}/webhook`)
        .set(operator)
        .send({ url, secret })
        .expect(200, { url });
    } finally {
      await onPremises.close();
    }
  });

  it('drops the deliveries not yet made when the webhook is removed, keeping those made', async () => {
    const community = await createCommunity(prisma);
    await setWebhook(community.slug, 'https://old-receiver.example/hooks');
    const { add } = await runWithDeliveries(community.id);
    // One made, one in backoff after a failed attempt, one not yet taken from the outbox.
    const made = await add({ attempts: 1, deliveredAt: new Date() });
    await add({ enqueuedAt: new Date(), attempts: 1, lastError: 'the webhook answered HTTP 503' });
    await add({});

    await request(app.getHttpServer())
      .delete(`/communities/${community.slug}/webhook`)
      .set(operator)
      .expect(204);
    // A new receiver set next must not get the old receiver's events: the worker finds no row.
    await setWebhook(community.slug, 'https://new-receiver.example/hooks');
    const left = await prisma.webhookDelivery.findMany({ where: { communityId: community.id } });
    expect(left.map(({ id }) => id)).toEqual([made.id]);
  });

  it('drops the deliveries not yet made when PUT sets another URL, and keeps them for a new secret', async () => {
    const community = await createCommunity(prisma);
    const receiver = 'https://receiver.example/hooks/a';
    await setWebhook(community.slug, receiver);
    const { add } = await runWithDeliveries(community.id);
    const made = await add({ attempts: 1, deliveredAt: new Date() });
    const inBackoff = await add({ enqueuedAt: new Date(), attempts: 1, lastError: 'HTTP 503' });
    const waiting = await add({});
    const ids = async () =>
      (await prisma.webhookDelivery.findMany({ where: { communityId: community.id } }))
        .map(({ id }) => id)
        .sort();

    // A rotation: the same receiver gets its backlog, signed with the new secret.
    await setWebhook(community.slug, receiver, 'another-long-enough-secret-4567');
    expect(await ids()).toEqual([made.id, inBackoff.id, waiting.id].sort());
    // Another receiver on the same host (by path) must not get the first one's events.
    await setWebhook(community.slug, 'https://receiver.example/hooks/b');
    expect(await ids()).toEqual([made.id]);
  });

  // Embedded, one session runs every transaction in turn: no removal can run beside a publication.
  (currentTestRun().embedded ? it.skip : it).each([
    [
      'removed',
      204,
      (slug: string) => request(app.getHttpServer()).delete(`/communities/${slug}/webhook`),
    ],
    [
      'set to another URL',
      200,
      (slug: string) =>
        request(app.getHttpServer())
          .put(`/communities/${slug}/webhook`)
          .send({ url: 'https://next-receiver.example/hooks', secret }),
    ],
  ])(
    'drops the delivery of a run publishing while the webhook is %s, and the run publishes',
    async (_, status, change) => {
      const community = await createCommunity(prisma);
      await setWebhook(community.slug, 'https://removed-receiver.example/hooks');
      // Shown helpful without a rating: the run makes it NEEDS_MORE_RATINGS, a change to announce.
      const post = await prisma.post.create({
        data: { canonicalUrl: `https://example.com/${community.slug}` },
      });
      await prisma.note.create({
        data: {
          ...NOTE_FIELDS,
          communityId: community.id,
          postId: post.id,
          authorPseudonym: '1000',
          status: NoteStatus.CURRENTLY_RATED_HELPFUL,
        },
      });
      const publishing = createTestPrisma();
      try {
        // The run's publication holds its commit: its delivery is written, not yet seen.
        const held = holdBeforeCommit(publishing);
        const published = publishScoringRun(publishing, community.id);
        await Promise.race([
          held.reached,
          published.then(() => {
            throw new Error('published before it was held');
          }),
        ]);
        let removed = false;
        const removal = change(community.slug)
          .set(operator)
          .then((response) => ((removed = true), response));
        // Released once the removal is done, or waits for the publication on the webhook's lock.
        await eventually(async () => {
          if (!removed) expect(await waitingOnAdvisoryLock(prisma, 28)).toBe(1);
        }).finally(held.release);
        const runId = await published;
        expect((await removal).status).toBe(status);
        expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
          status: 'SUCCEEDED',
        });
        expect(await prisma.noteStatusChange.count({ where: { runId } })).toBe(1);
        // Nothing left for a receiver set next, nor for the removed one.
        expect(await prisma.webhookDelivery.count({ where: { communityId: community.id } })).toBe(
          0,
        );
      } finally {
        await publishing.$disconnect();
      }
    },
  );

  it('is for the operator only', async () => {
    const community = await createCommunity(prisma);
    await request(app.getHttpServer())
      .put(`/communities/${community.slug}/webhook`)
      .send({ url: 'https://example.org/x', secret })
      .expect(401);
    await request(app.getHttpServer())
      .get(`/communities/${community.slug}/webhook/deliveries`)
      .expect(401);
  });

  it('lists deliveries newest first with their outcome', async () => {
    const community = await createCommunity(prisma);
    const { run, add } = await runWithDeliveries(community.id);
    const older = await add({
      createdAt: new Date(Date.UTC(2026, 0, 1)),
      attempts: 12,
      lastError: 'the webhook answered HTTP 500',
      gaveUpAt: new Date(Date.UTC(2026, 0, 1, 17)),
    });
    const newer = await add({
      createdAt: new Date(Date.UTC(2026, 0, 2)),
      attempts: 1,
      deliveredAt: new Date(Date.UTC(2026, 0, 2, 0, 1)),
    });
    const first = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/webhook/deliveries?limit=1`)
      .set(operator)
      .expect(200);
    expect(first.body.items).toEqual([
      {
        id: newer.id,
        runId: run.id,
        sequence: 1,
        page: 1,
        createdAt: '2026-01-02T00:00:00.000Z',
        deliveredAt: '2026-01-02T00:01:00.000Z',
        gaveUpAt: null,
        attempts: 1,
        lastError: null,
      },
    ]);
    const second = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/webhook/deliveries`)
      .query({ limit: 1, cursor: first.body.nextCursor })
      .set(operator)
      .expect(200);
    expect(second.body).toMatchObject({
      items: [
        {
          id: older.id,
          attempts: 12,
          lastError: 'the webhook answered HTTP 500',
          gaveUpAt: '2026-01-01T17:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });

  it("lists deliveries newest first in the events' order, a run's pages together, page by page", async () => {
    const community = await createCommunity(prisma);
    const run = await prisma.scoringRun.create({
      data: { communityId: community.id, status: 'SUCCEEDED' },
    });
    // Ids against the order, so that neither they nor the times give it: a publication records a
    // run's pages at one time, and one published later may have started earlier.
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const rows: { id: string; sequence: number; page: number; createdAt: Date }[] = [
      { id: id(1), sequence: 2, page: 2, createdAt: new Date(Date.UTC(2026, 0, 1)) },
      { id: id(2), sequence: 2, page: 1, createdAt: new Date(Date.UTC(2026, 0, 1)) },
      { id: id(3), sequence: 1, page: 3, createdAt: new Date(Date.UTC(2026, 0, 2)) },
      { id: id(4), sequence: 1, page: 1, createdAt: new Date(Date.UTC(2026, 0, 2)) },
      { id: id(5), sequence: 1, page: 2, createdAt: new Date(Date.UTC(2026, 0, 2)) },
      // Two runs published before runs were numbered: by time, then id.
      { id: id(6), sequence: 0, page: 1, createdAt: new Date(Date.UTC(2025, 11, 1)) },
      { id: id(7), sequence: 0, page: 1, createdAt: new Date(Date.UTC(2025, 11, 2)) },
      { id: id(8), sequence: 0, page: 1, createdAt: new Date(Date.UTC(2025, 11, 2)) },
    ];
    await prisma.webhookDelivery.createMany({
      data: rows.map((row) => ({ ...row, communityId: community.id, runId: run.id, payload: {} })),
    });
    const expected = [
      [2, 2, id(1)],
      [2, 1, id(2)],
      [1, 3, id(3)],
      [1, 2, id(5)],
      [1, 1, id(4)],
      [0, 1, id(8)],
      [0, 1, id(7)],
      [0, 1, id(6)],
    ];
    const list = (query: { limit: number; cursor?: string }) =>
      request(app.getHttpServer())
        .get(`/communities/${community.slug}/webhook/deliveries`)
        .query(query)
        .set(operator)
        .expect(200);
    const placeOf = (items: { sequence: number; page: number; id: string }[]) =>
      items.map(({ sequence, page, id: deliveryId }): [number, number, string] => [
        sequence,
        page,
        deliveryId,
      ]);

    expect(placeOf((await list({ limit: 100 })).body.items)).toEqual(expected);
    const walked: [number, number, string][] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < expected.length; pages += 1) {
      const { body } = await list({ limit: 3, ...(cursor && { cursor }) });
      walked.push(...placeOf(body.items));
      cursor = body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(walked).toEqual(expected);
    expect(cursor).toBeUndefined();
  });

  it.each([
    ['garbage', Buffer.from('hello').toString('base64url')],
    [
      "another list's (time, id) cursor",
      Buffer.from(
        `2026-01-01T00:00:00.000Z|${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
      ).toString('base64url'),
    ],
    [
      'a sequence past the column',
      Buffer.from(
        `w2147483648.1|2026-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001`,
      ).toString('base64url'),
    ],
    [
      'page 0',
      Buffer.from(`w1.0|2026-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001`).toString(
        'base64url',
      ),
    ],
    [
      'an impossible date',
      Buffer.from(`w1.1|2026-02-31T00:00:00.000Z|00000000-0000-4000-8000-000000000001`).toString(
        'base64url',
      ),
    ],
    [
      'a year out of range',
      Buffer.from(`w1.1|1970-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001`).toString(
        'base64url',
      ),
    ],
    [
      'a malformed id',
      Buffer.from(`w1.1|2026-01-01T00:00:00.000Z|zzzzzzzz-0000-4000-8000-000000000001`).toString(
        'base64url',
      ),
    ],
  ])('answers a deliveries cursor that is %s with 400 CURSOR_INVALID', async (_, cursor) => {
    const community = await createCommunity(prisma);
    const response = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/webhook/deliveries`)
      .query({ cursor })
      .set(operator)
      .expect(400);
    expect(response.body.code).toBe('CURSOR_INVALID');
  });

  it('answers a deliveries cursor that is not base64url with 400 VALIDATION_FAILED', async () => {
    const community = await createCommunity(prisma);
    const response = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/webhook/deliveries`)
      .query({ cursor: '%%%' })
      .set(operator)
      .expect(400);
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'cursor must be a nextCursor value from a previous page',
    });
  });
});
