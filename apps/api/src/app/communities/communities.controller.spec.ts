import { randomUUID } from 'node:crypto';

import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

describe('GET /communities', () => {
  let app: INestApplication;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    for (let i = 0; i < 3; i += 1) await createCommunity(prisma);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('lists every community by slug, page after page, without a key', async () => {
    const all = await prisma.community.findMany({
      orderBy: { slug: 'asc' },
      select: { slug: true },
    });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await request(app.getHttpServer())
        .get('/communities')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { slug: string }) => item.slug));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((row) => row.slug));
    const first = (await request(app.getHttpServer()).get('/communities').expect(200)).body
      .items[0];
    expect(first).toMatchObject({ slug: all[0]?.slug, scope: expect.any(String), treeDepth: 20 });
    expect(first).not.toHaveProperty('webhookSecret');
  });

  it.each([
    [
      'a cursor that is no slug',
      { cursor: Buffer.from('Not A Slug').toString('base64url') },
      'CURSOR_INVALID',
    ],
    ['a malformed cursor', { cursor: 'a b' }, 'VALIDATION_FAILED'],
    ['a limit over 100', { limit: 101 }, 'VALIDATION_FAILED'],
    ['an unknown parameter', { admission: 'OPEN' }, 'VALIDATION_FAILED'],
  ])('refuses %s with 400 and its code', async (_, query, code) => {
    const response = await request(app.getHttpServer())
      .get('/communities')
      .query(query)
      .expect(400);
    expect(response.body.code).toBe(code);
  });
});

/**
 * Every community answer carries the instance's seal wait, so that the widget and the extension
 * wait for a pending join as long as this instance may keep it (libs/protocol
 * `pendingJoinOverdue`). Each configuration is a real API over the run's database; beyond the
 * one check each makes at its start, its sealing timer (one check a window) does not fire during
 * a test.
 */
describe("a community's answer with the instance's seal wait", () => {
  let prisma: PrismaClient;

  beforeAll(() => {
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it('is declared in the API reference (/docs-json)', async () => {
    const app = await createTestApp();
    try {
      const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
      const { CommunityDto, SealingDto } = body.components.schemas;
      expect(CommunityDto.required).toContain('sealing');
      expect(CommunityDto.properties.sealing.allOf ?? [CommunityDto.properties.sealing]).toEqual([
        { $ref: '#/components/schemas/SealingDto' },
      ]);
      expect(SealingDto.required).toEqual(['maxWaitSeconds']);
      expect(SealingDto.properties.maxWaitSeconds).toMatchObject({
        type: 'number',
        nullable: true,
        description: expect.stringContaining('null: no time bound'),
      });
    } finally {
      await app.close();
    }
  });

  it.each([
    ['sealed in its request', { SEAL_WINDOW_SECONDS: '0' }, 0],
    ['no time bound', { SEAL_WINDOW_SECONDS: '3600', SEAL_MAX_WAIT_SECONDS: '0' }, null],
    // 12 whole windows, and the one until the check.
    [
      '12 h in windows of an hour',
      { SEAL_WINDOW_SECONDS: '3600', SEAL_MAX_WAIT_SECONDS: '43200' },
      46_800,
    ],
    // Rounded up to a whole window.
    [
      '10 min in windows of an hour',
      { SEAL_WINDOW_SECONDS: '3600', SEAL_MAX_WAIT_SECONDS: '600' },
      7_200,
    ],
  ])('says %s', async (_, env, maxWaitSeconds) => {
    const app = await createTestApp(env);
    try {
      const { slug } = await createCommunity(prisma);
      const shown = await request(app.getHttpServer()).get(`/communities/${slug}`).expect(200);
      expect(shown.body.sealing).toEqual({ maxWaitSeconds });
      const listed = await request(app.getHttpServer()).get('/communities').expect(200);
      const items = listed.body.items as { sealing: unknown }[];
      expect(items).not.toHaveLength(0);
      for (const item of items) expect(item.sealing).toEqual({ maxWaitSeconds });
    } finally {
      await app.close();
    }
  });
});

/**
 * The operator may give one community its own minimum anonymity set of proofs, overriding the
 * instance's PROOF_MIN_MEMBERS for it alone (a deliberately small group, the demo); the answer
 * carries the effective minimum and whose it is. An instance minimum of 7 tells the two apart.
 */
describe("a community's own minimum anonymity set (proofMinMembers)", () => {
  let app: INestApplication;
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

  beforeAll(async () => {
    app = await createTestApp({ PROOF_MIN_MEMBERS: '7' });
  });

  afterAll(async () => {
    await app.close();
  });

  const patch = (slug: string, body: object) =>
    request(app.getHttpServer()).patch(`/communities/${slug}`).set(operator).send(body);

  it('is set on create, kept by other changes, changed, and set back to the instance by null', async () => {
    const slug = `t-own-min-${randomUUID().slice(0, 8)}`;
    const created = await request(app.getHttpServer())
      .post('/communities')
      .set(operator)
      .send({ slug, name: 'Small on purpose', proofMinMembers: 3 })
      .expect(201);
    expect(created.body).toMatchObject({ proofMinMembers: 3, proofMinMembersSource: 'community' });

    const renamed = await patch(slug, { name: 'Still small' }).expect(200);
    expect(renamed.body).toMatchObject({ proofMinMembers: 3, proofMinMembersSource: 'community' });

    // Its own minimum may also be above the instance's.
    const raised = await patch(slug, { proofMinMembers: 50 }).expect(200);
    expect(raised.body).toMatchObject({ proofMinMembers: 50, proofMinMembersSource: 'community' });

    const followed = await patch(slug, { proofMinMembers: null }).expect(200);
    expect(followed.body).toMatchObject({ proofMinMembers: 7, proofMinMembersSource: 'instance' });
    const shown = await request(app.getHttpServer()).get(`/communities/${slug}`).expect(200);
    expect(shown.body).toMatchObject({ proofMinMembers: 7, proofMinMembersSource: 'instance' });
  });

  it("answers the instance's for a community created without one", async () => {
    const slug = `t-own-min-${randomUUID().slice(0, 8)}`;
    const created = await request(app.getHttpServer())
      .post('/communities')
      .set(operator)
      .send({ slug, name: 'Default' })
      .expect(201);
    expect(created.body).toMatchObject({ proofMinMembers: 7, proofMinMembersSource: 'instance' });
  });

  it('is declared in the API reference (/docs-json)', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const { CommunityDto, CreateCommunityDto, UpdateCommunityDto } = body.components.schemas;
    expect(CommunityDto.required).toEqual(
      expect.arrayContaining(['proofMinMembers', 'proofMinMembersSource']),
    );
    expect(CommunityDto.properties.proofMinMembersSource).toMatchObject({
      enum: ['community', 'instance'],
    });
    for (const input of [CreateCommunityDto, UpdateCommunityDto]) {
      expect(input.properties.proofMinMembers).toMatchObject({
        type: 'number',
        nullable: true,
        minimum: 1,
        description: expect.stringContaining("null (the default): the instance's"),
      });
    }
  });
});
