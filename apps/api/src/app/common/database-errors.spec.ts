import type { INestApplication } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';
import { databaseFailureOf } from './database-errors';

/** A busy or absent database is a 503 the client may retry, never a 500 (real PostgreSQL). */
describe('a busy or unreachable database', () => {
  it('answers 503 DATABASE_BUSY with Retry-After while every pooled connection is held', async () => {
    // One connection, and a short wait for it: the request cannot get one while a transaction
    // holds it. The wait also bounds opening a connection, which a loaded machine can take
    // longer than that over: the connection is opened first (below) and kept while idle, so the
    // bound only ever applies to waiting for it.
    const tiny = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: currentTestRun().databaseUrl,
        max: 1,
        connectionTimeoutMillis: 1_000,
        idleTimeoutMillis: 0,
      }),
    });
    await eventually(() => tiny.$queryRaw`SELECT 1`);
    const app: INestApplication = await createTestApp({}, (builder) =>
      builder.overrideProvider(PrismaService).useValue(tiny),
    );
    let holding!: () => void;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const transaction = tiny.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        holding();
        await released;
      },
      { maxWait: 60_000, timeout: 60_000 },
    );
    try {
      // The transaction failing to start would end the test here rather than hang it.
      await Promise.race([held, transaction]);
      const busy = await request(app.getHttpServer()).get('/communities/held-pool');
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ statusCode: 503, code: 'DATABASE_BUSY' });
      expect(busy.body.message).toMatch(/^Every database connection is busy/);
      expect(busy.headers['retry-after']).toBe('1');
      release();
      await transaction;
      // The pool freed up: the same request is answered as usual.
      const served = await request(app.getHttpServer()).get('/communities/held-pool');
      expect(served.body.code).toBe('COMMUNITY_NOT_FOUND');
    } finally {
      release();
      await transaction.catch(() => undefined);
      await app.close();
      await tiny.$disconnect();
    }
  });

  it('takes a transaction that could not start within its maxWait for DATABASE_BUSY', async () => {
    // One connection, held by a transaction: another cannot start within its short maxWait,
    // which ends before the pool's own wait for a connection would.
    const tiny = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: currentTestRun().databaseUrl,
        max: 1,
        connectionTimeoutMillis: 60_000,
        idleTimeoutMillis: 0,
      }),
    });
    let holding!: () => void;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const transaction = tiny.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        holding();
        await released;
      },
      { maxWait: 60_000, timeout: 60_000 },
    );
    try {
      await Promise.race([held, transaction]);
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
      release();
      await transaction.catch(() => undefined);
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
