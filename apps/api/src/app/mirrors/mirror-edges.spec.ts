import type { INestApplication } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { mirrorConflict } from './mirrors.service';

/** Mirrors' answers to bad input that need no origin: rows written directly. */
describe('mirror requests at the edges', () => {
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
  let app: INestApplication;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const mirrorOf = async (communityId: string) =>
    prisma.mirror.create({
      data: {
        communityId,
        originUrl: 'https://origin.example',
        originSlug: 'news',
        originRules: {},
      },
    });

  it('refuses a bad divergence cursor with 400 CURSOR_INVALID, also before any run', async () => {
    const community = await createCommunity(prisma);
    const mirror = await mirrorOf(community.id);
    const divergence = (cursor: string) =>
      request(app.getHttpServer())
        .get(`/mirrors/${mirror.id}/divergence`)
        .query({ cursor })
        .set(operator);
    const refused = await divergence('AAAA');
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 400,
      code: 'CURSOR_INVALID',
    });
    // A good cursor on the same mirror pages nothing.
    const cursor = Buffer.from(randomUUID()).toString('base64url');
    expect((await divergence(cursor).expect(200)).body).toMatchObject({ items: [] });
  });

  it.each<[string, object]>([
    ['POST /mirrors', { origin: 'http://0x100000000', community: 'news' }],
    ['POST /mirrors', { origin: 'https://1.2.3.0x100', community: 'news' }],
    ['POST /mirrors', { origin: 'http://127.0.0.1:9', community: 'news', slug: null }],
    ['POST /mirrors/{id}/follow', { origin: 'https://foo.0x100' }],
    ['POST /mirrors/{id}/follow', { origin: null }],
    ['POST /mirrors/{id}/follow', { community: null }],
  ])(
    'refuses %s %j with 400 VALIDATION_FAILED, before reaching any origin',
    async (route, body) => {
      const community = await createCommunity(prisma);
      const mirror = await mirrorOf(community.id);
      const path = route.slice('POST '.length).replace('{id}', mirror.id);
      const refused = await request(app.getHttpServer()).post(path).set(operator).send(body);
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    },
  );

  /** The unique violation the database raises for `write`, as a new mirror's transaction meets it. */
  async function uniqueViolation(write: () => Promise<unknown>) {
    const error = await write().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    return error as Prisma.PrismaClientKnownRequestError;
  }

  it('names the conflict a racing POST /mirrors meets: the community, its mirror, or the slug', async () => {
    const held = await createCommunity(prisma);
    await mirrorOf(held.id);
    const newSlug = `m-${randomUUID().slice(0, 8)}`;
    const sameId = await uniqueViolation(() =>
      prisma.community.create({
        data: { id: held.id, slug: newSlug, name: 'Raced', scope: '1' },
      }),
    );
    const sameMirror = await uniqueViolation(() => mirrorOf(held.id));
    const sameSlug = await uniqueViolation(() =>
      prisma.community.create({
        data: { id: randomUUID(), slug: held.slug, name: 'Taken', scope: '1' },
      }),
    );
    for (const error of [sameId, sameMirror]) {
      expect(mirrorConflict(error, held.id, newSlug)).toMatchObject({
        code: 'COMMUNITY_EXISTS',
        message: `This instance already holds community ${held.id}`,
      });
    }
    expect(mirrorConflict(sameSlug, randomUUID(), held.slug)).toMatchObject({
      code: 'COMMUNITY_EXISTS',
      message: `A community with slug "${held.slug}" exists here; choose another slug`,
    });
  });
});
