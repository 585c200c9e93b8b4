import { Controller, Get, Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';
import { AllExceptionsFilter } from './all-exceptions.filter';
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

const probes = createTestPrisma();
const SECRET = 'value-the-client-sent';

/** Real queries that PostgreSQL or Prisma refuse for their values: what a missed check lets through. */
@Controller('probe')
class ProbeController {
  @Get('duplicate')
  async duplicate(): Promise<void> {
    const { slug } = await createCommunity(probes);
    await probes.community.create({ data: { slug, name: SECRET, scope: randomUUID() } });
  }

  @Get('missing')
  async missing(): Promise<void> {
    await probes.community.update({ where: { id: randomUUID() }, data: { name: SECRET } });
  }

  @Get('too-long')
  async tooLong(): Promise<void> {
    await probes.community.create({
      data: { slug: `c-${randomUUID().slice(0, 8)}`, name: SECRET.repeat(20), scope: randomUUID() },
    });
  }

  @Get('out-of-range')
  async outOfRange(): Promise<void> {
    await probes.member.findMany({ where: { leafIndex: { gt: 2 ** 31 } } });
  }

  @Get('beyond-int64')
  async beyondInt64(): Promise<void> {
    await probes.mirrorRefusal.findMany({ where: { id: { lt: 2n ** 63n } } });
  }

  @Get('not-a-uuid')
  async notAUuid(): Promise<void> {
    await probes.$queryRaw`SELECT ${SECRET}::uuid`;
  }

  @Get('nul')
  async nul(): Promise<void> {
    await probes.$queryRaw`SELECT length(${`${SECRET}\u0000`}::text)`;
  }

  @Get('bug')
  bug(): void {
    throw new TypeError('a fault of the code');
  }

  // A fault whose message quotes a value, on several lines, one of them shaped like a frame.
  @Get('bug-quoting')
  bugQuoting(): void {
    throw new TypeError(`cannot read ${SECRET}\n    at ${SECRET} (note.ts:1:2)`);
  }

  // A database error no check classifies, whose message prints the query's arguments.
  @Get('unclassified')
  unclassified(): void {
    throw Object.assign(new Error(`Invalid invocation:\n    at "${SECRET}"`), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: 'XX000' } } },
    });
  }
}

/**
 * The safety net under the edge's checks: a database error that the request's values caused is
 * a 4xx with a code, logged as a warning that names neither the values nor the client.
 */
describe("database errors a client's values caused", () => {
  let app: INestApplication;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    warn.mockRestore();
    await app.close();
    await probes.$disconnect();
  });

  it.each([
    ['duplicate', 409, 'CONFLICT'],
    ['missing', 404, 'NOT_FOUND'],
    ['too-long', 400, 'INVALID_VALUE'],
    ['out-of-range', 400, 'INVALID_VALUE'],
    ['beyond-int64', 400, 'INVALID_VALUE'],
    ['not-a-uuid', 400, 'INVALID_VALUE'],
    ['nul', 400, 'INVALID_VALUE'],
  ])('answers /probe/%s with %i %s', async (probe, status, code) => {
    warn.mockClear();
    const answer = await request(app.getHttpServer()).get(`/probe/${probe}`);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(answer.body.message).not.toContain(SECRET);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`/probe/${probe}`);
    expect(String(warn.mock.calls[0]?.[0])).not.toContain(SECRET);
  });

  it.each([
    ['bug-quoting', 'TypeError'],
    ['unclassified', 'PrismaClientKnownRequestError, P2010, SQLSTATE XX000'],
  ])('logs a 500 (/probe/%s) by its code and frames, never its message', async (probe, code) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const answer = await request(app.getHttpServer()).get(`/probe/${probe}`).expect(500);
      expect(answer.body.code).toBe('INTERNAL_ERROR');
      expect(logged).toHaveBeenCalledTimes(1);
      const line = String(logged.mock.calls[0]?.[0]);
      expect(line.split('\n')[0]).toBe(code);
      expect(line).toMatch(/\n {4}at .+database-errors\.spec\.ts:\d+:\d+/);
      expect(line).not.toContain(SECRET);
    } finally {
      logged.mockRestore();
    }
  });

  it('still answers a fault of the code with 500', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const answer = await request(app.getHttpServer()).get('/probe/bug').expect(500);
      expect(answer.body.code).toBe('INTERNAL_ERROR');
    } finally {
      logged.mockRestore();
    }
  });
});
