import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';
import { NotesService } from './notes.service';

describe('reading notes', () => {
  let app: INestApplication;
  let prisma: PrismaClient;

  beforeAll(async () => {
    // A post's reads cached for a minute, not the default second: its case below reads, writes
    // behind the API, reads the cached answer and revalidates within the cache's life, which a
    // loaded machine can take past a second (and a cache expired by then would answer the check
    // that a write clears it, whether or not the write did).
    app = await createTestApp({ POST_CACHE_MS: '60000' });
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('pages through the notes that need ratings, oldest first, skipping rated and deleted ones', async () => {
    const community = await createCommunity(prisma, 7);
    const notes = await prisma.note.findMany({
      where: { communityId: community.id },
      orderBy: { id: 'asc' },
    });
    for (const [index, note] of notes.entries()) {
      await prisma.note.update({
        where: { id: note.id },
        data: { createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)) },
      });
    }
    await prisma.note.update({
      where: { id: notes[1]?.id },
      data: { status: 'CURRENTLY_RATED_HELPFUL' },
    });
    await prisma.note.update({ where: { id: notes[4]?.id }, data: { deletedAt: new Date() } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(app.getHttpServer())
        .get(`/communities/${community.slug}/notes`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...page.body.items.map((note: { id: string }) => note.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([0, 2, 3, 5, 6].map((index) => notes[index]?.id));
  });

  it('lets a cache revalidate a read cheaply', async () => {
    const community = await createCommunity(prisma, 1);
    const note = await prisma.note.findFirstOrThrow({ where: { communityId: community.id } });
    const first = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/notes/${note.id}`)
      .expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect(first.headers['etag']).toBeDefined();
    await request(app.getHttpServer())
      .get(`/communities/${community.slug}/notes/${note.id}`)
      .set('If-None-Match', first.headers['etag'] as string)
      .expect(304);
    await prisma.note.update({
      where: { id: note.id },
      data: { status: 'CURRENTLY_RATED_HELPFUL' },
    });
    await request(app.getHttpServer())
      .get(`/communities/${community.slug}/notes/${note.id}`)
      .set('If-None-Match', first.headers['etag'] as string)
      .expect(200);
  });

  it("answers a post's repeated read from its cache exactly as the first, until a write", async () => {
    const community = await createCommunity(prisma, 2);
    const read = () =>
      request(app.getHttpServer())
        .get('/posts')
        .query({ url: `https://example.com/${community.slug}`, community: community.slug });
    const first = await read().expect(200);
    expect(first.body.notes).toHaveLength(2);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');

    // Changed behind the API's back: within the cache's life, the cached answer stands.
    await prisma.note.updateMany({
      where: { communityId: community.id },
      data: { status: 'CURRENTLY_RATED_HELPFUL' },
    });
    const cached = await read().expect(200);
    expect(cached.text).toBe(first.text);
    for (const header of ['etag', 'cache-control', 'content-type', 'content-length']) {
      expect([header, cached.headers[header]]).toEqual([header, first.headers[header]]);
    }
    // Still a request like any other: its own id, the security headers.
    expect(cached.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(cached.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(cached.headers['x-content-type-options']).toBe('nosniff');
    await read()
      .set('If-None-Match', first.headers['etag'] as string)
      .expect(304);

    // A write through the API (here its effect on the caches alone) shows at once.
    app.get(NotesService).forgetPostReads();
    const fresh = await read()
      .set('If-None-Match', first.headers['etag'] as string)
      .expect(200);
    expect(fresh.body.notes.map((note: { status: string }) => note.status)).toEqual([
      'CURRENTLY_RATED_HELPFUL',
      'CURRENTLY_RATED_HELPFUL',
    ]);
    expect(fresh.headers['etag']).not.toBe(first.headers['etag']);
  });

  it('answers concurrent reads of one post alike, errors included, none left waiting', async () => {
    const community = await createCommunity(prisma, 1);
    const read = (url: string) =>
      request(app.getHttpServer()).get('/posts').query({ url, community: community.slug });
    const known = await Promise.all(
      Array.from({ length: 5 }, () => read(`https://example.com/${community.slug}`)),
    );
    expect(known.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(known.map((answer) => answer.text)).size).toBe(1);
    // The first request's 404 caches nothing: those waiting on it are answered on their own.
    const unknown = await Promise.all(
      Array.from({ length: 5 }, () => read(`https://example.com/${community.slug}/none`)),
    );
    expect(unknown.map((answer) => [answer.status, answer.body.code])).toEqual(
      Array.from({ length: 5 }, () => [404, 'POST_NOT_FOUND']),
    );
  });

  it('finds a community created after its slug was asked for in vain', async () => {
    const slug = `late-${randomUUID().slice(0, 8)}`;
    const list = () => request(app.getHttpServer()).get(`/communities/${slug}/notes`);
    expect((await list().expect(404)).body.code).toBe('COMMUNITY_NOT_FOUND');
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug, name: 'Late', scope: communityScope(id).toString() },
    });
    expect((await list().expect(200)).body.items).toEqual([]);
  });

  it('refuses forged cursors with 400, never 500', async () => {
    const community = await createCommunity(prisma, 1);
    for (const forged of [
      `-200000-01-01T00:00:00.000Z|${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
      '2026-01-01T00:00:00.000Z|------------------------------------',
    ]) {
      const cursor = Buffer.from(forged).toString('base64url');
      const response = await request(app.getHttpServer())
        .get(`/communities/${community.slug}/notes`)
        .query({ cursor })
        .expect(400);
      expect(response.body.code).toBe('CURSOR_INVALID');
    }
  });

  it('answers an unknown post with 404 and a half-given platform id with 400', async () => {
    expect(
      (
        await request(app.getHttpServer())
          .get('/posts')
          .query({ url: 'https://nowhere.example/' })
          .expect(404)
      ).body.code,
    ).toBe('POST_NOT_FOUND');
    expect(
      (await request(app.getHttpServer()).get('/posts').query({ platform: 'mastodon' }).expect(400))
        .body.code,
    ).toBe('POST_REF_INVALID');
  });
});
