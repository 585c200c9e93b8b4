import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';

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
