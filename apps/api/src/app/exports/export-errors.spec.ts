import type { INestApplication } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';
import { packKey } from './export-position';

const onServers = currentTestRun().embedded ? it.skip : it;

/** Export requests that fail before their first record: an error answer, never a cut connection. */
describe('export streams refused before their first record', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let slug: string;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    ({ slug } = await createCommunity(prisma));
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const read = (stream: string, query: Record<string, string>) =>
    request(app.getHttpServer()).get(`/communities/${slug}/export/${stream}`).query(query);

  const id = randomUUID();
  it.each([
    // leafIndex and seq are 32-bit columns.
    ['members', { after: '2147483648' }],
    ['moderation', { after: '2147483648' }],
    ['members', { after: '999999999999999999' }],
    // A change batch is an int64.
    ['notes', { order: 'changes', after: packKey('9223372036854775808', id) }],
    ['ratings', { order: 'changes', after: packKey('9999999999999999999', id) }],
    // Dates JavaScript parses but no row has (and the driver cannot send).
    ['roots', { after: packKey('0000-01-01T00:00:00.000Z', 1, id) }],
    ['runs', { after: packKey('-000001-01-01T00:00:00.000Z', 1, id) }],
    ['roots', { after: packKey('+275760-09-13T00:00:00.000Z', 1, id) }],
  ])('answers %s %j with 400 CURSOR_INVALID', async (stream, query) => {
    const refused = await read(stream, query).expect(400);
    expect(refused.body.code).toBe('CURSOR_INVALID');
  });

  it.each([
    ['members', { after: '2147483647' }],
    ['moderation', { after: '2147483647' }],
    ['notes', { order: 'changes', after: packKey('9223372036854775807', id) }],
    ['roots', { after: packKey('2199-12-31T23:59:59.999Z', 1, id) }],
  ])('still reads %s after the largest cursor %j', async (stream, query) => {
    const served = await read(stream, query).expect(200);
    expect(served.text).toBe('');
  });

  onServers(
    'answers a database failure during the first batch with 503 and Retry-After, not a reset',
    async () => {
      // The app's own pool, named so that the test finds its connection and only it.
      const name = `export-errors-${randomUUID().slice(0, 8)}`;
      const named = new PrismaClient({
        adapter: new PrismaPg({
          connectionString: currentTestRun().databaseUrl,
          application_name: name,
        }),
      });
      const failing = await createTestApp({}, (builder) =>
        builder.overrideProvider(PrismaService).useValue(named),
      );
      try {
        const answer = await prisma.$transaction(
          async (tx) => {
            // The stream's first batch waits on this lock; its connection is then ended as a
            // server shutting down ends it (57P01).
            await tx.$executeRaw`LOCK TABLE moderation_log IN ACCESS EXCLUSIVE MODE`;
            const pending = request(failing.getHttpServer())
              .get(`/communities/${slug}/export/moderation`)
              .then(
                (response) => response,
                (error: Error) => error,
              );
            // Polled on another connection: a transaction sees one snapshot of pg_stat_activity.
            await eventually(async () => {
              const waiting = await prisma.$queryRaw<{ pid: number }[]>`
                SELECT pid FROM pg_stat_activity
                 WHERE application_name = ${name} AND wait_event_type = 'Lock'`;
              expect(waiting).toHaveLength(1);
            });
            await prisma.$queryRaw`
              SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
               WHERE application_name = ${name} AND wait_event_type = 'Lock'`;
            return pending;
          },
          // The transaction outlasts the wait inside it (the default patience) and the answer.
          { maxWait: PATIENCE_MS, timeout: 2 * PATIENCE_MS },
        );
        expect(answer).not.toBeInstanceOf(Error);
        const response = answer as request.Response;
        expect(response.status).toBe(503);
        expect(response.body.code).toBe('DATABASE_UNAVAILABLE');
        expect(response.headers['retry-after']).toBe('5');
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      } finally {
        await failing.close();
        await named.$disconnect();
      }
    },
  );
});
