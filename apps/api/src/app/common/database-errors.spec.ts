import type { INestApplication } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';
import { databaseFailureOf } from './database-errors';

/**
 * A client of the test database with a pool of one connection, opened first and kept while idle:
 * `connectionTimeoutMillis` then only ever bounds waiting for it, never opening it, which a
 * loaded machine can take longer over.
 */
async function onePooledConnection(connectionTimeoutMillis: number): Promise<PrismaClient> {
  const client = new PrismaClient({
    adapter: new PrismaPg({
      connectionString: currentTestRun().databaseUrl,
      max: 1,
      connectionTimeoutMillis,
      idleTimeoutMillis: 0,
    }),
  });
  await eventually(() => client.$queryRaw`SELECT 1`);
  return client;
}

/** Holds the client's one connection in a transaction until `release()`, which waits it out. */
async function holdConnection(client: PrismaClient): Promise<{ release(): Promise<void> }> {
  let holding!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const transaction = client.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      holding();
      await released;
    },
    { maxWait: 60_000, timeout: 60_000 },
  );
  // The transaction failing to start ends the test here rather than hang it.
  await Promise.race([held, transaction]);
  return {
    release: async () => {
      release();
      await transaction;
    },
  };
}

/** A busy or absent database is a 503 the client may retry, never a 500 (real PostgreSQL). */
describe('a busy or unreachable database', () => {
  it('answers 503 DATABASE_BUSY with Retry-After while every pooled connection is held', async () => {
    // One connection, and a short wait for it: the request cannot get one while a transaction
    // holds it.
    const tiny = await onePooledConnection(1_000);
    const app: INestApplication = await createTestApp({}, (builder) =>
      builder.overrideProvider(PrismaService).useValue(tiny),
    );
    let hold: { release(): Promise<void> } | undefined;
    try {
      hold = await holdConnection(tiny);
      const busy = await request(app.getHttpServer()).get('/communities/held-pool');
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ statusCode: 503, code: 'DATABASE_BUSY' });
      expect(busy.body.message).toMatch(/^Every database connection is busy/);
      expect(busy.headers['retry-after']).toBe('1');
      await hold.release();
      // The pool freed up: the same request is answered as usual.
      const served = await request(app.getHttpServer()).get('/communities/held-pool');
      expect(served.body.code).toBe('COMMUNITY_NOT_FOUND');
    } finally {
      await hold?.release().catch(() => undefined);
      await app.close();
      await tiny.$disconnect();
    }
  });

  it('takes a transaction that could not start within its maxWait for DATABASE_BUSY', async () => {
    // Another transaction cannot start within its short maxWait, which ends before the pool's
    // own wait for the held connection would.
    const tiny = await onePooledConnection(60_000);
    let hold: { release(): Promise<void> } | undefined;
    try {
      hold = await holdConnection(tiny);
      const error = await tiny
        .$transaction(async (tx) => tx.$queryRaw`SELECT 1`, { maxWait: 200 })
        .then(
          () => undefined,
          (failure: unknown) => failure,
        );
      expect(error).toMatchObject({ code: 'P2028' });
      expect(databaseFailureOf(error)).toEqual({ code: 'DATABASE_BUSY', retryAfter: 1 });
      // Other transaction errors are not the database being busy.
      expect(
        databaseFailureOf(
          Object.assign(new Error('Transaction API error: Transaction not found.'), {
            code: 'P2028',
          }),
        ),
      ).toBeUndefined();
    } finally {
      await hold?.release().catch(() => undefined);
      await tiny.$disconnect();
    }
  });

  it('takes a server that refuses connections for DATABASE_UNAVAILABLE', async () => {
    // Port 1 of this machine: nothing listens, so the connection is refused.
    const away = new PrismaClient({
      adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:1/none' }),
    });
    try {
      const error = await away.$queryRaw`SELECT 1`.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(databaseFailureOf(error)).toEqual({ code: 'DATABASE_UNAVAILABLE', retryAfter: 5 });
      expect(databaseFailureOf(new Error('column "x" does not exist'))).toBeUndefined();
    } finally {
      await away.$disconnect();
    }
  });
});
