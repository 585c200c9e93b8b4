import type { INestApplication } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { currentTestRun } from '@bridgenotes/testing';
import { Client } from 'pg';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';

/** node-postgres' pool size, which the API keeps (PrismaPg's default). */
const POOL_SIZE = 10;
/** How long the session is held: longer than a server's pool wait (5 s), as a scoring publish on a large community or a loaded machine's scrub holds it. */
const HOLD_MS = 7_000;

// On a server a transaction holds only its own session: nothing queues behind it.
const embeddedOnly = currentTestRun().embedded ? it : it.skip;

/**
 * The embedded database is one session: while a client holds it, every query of the API waits
 * its turn in the wire server, each on a pooled connection. Requests beyond the pool's
 * connections wait for one of those: they must queue as long as the session's legitimate work
 * takes (within DATABASE_POOL_WAIT_SECONDS), not be refused after a server's 5 s.
 */
describe('requests waiting for the embedded database', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  embeddedOnly(
    'queue behind a session held longer than 5 s and are answered, none refused',
    async () => {
      const holder = new Client({ connectionString: currentTestRun().databaseUrl });
      await holder.connect();
      try {
        // A transaction holds the session, as the scoring publisher's does (a few seconds on a
        // community of a few hundred thousand ratings, more on a loaded machine).
        await holder.query('BEGIN');
        await holder.query('SELECT 1');
        // More requests than the pool has connections: the last ones wait for a connection,
        // the others wait in the wire server on theirs. Each answer's arrival is noted.
        const answers = Promise.all(
          Array.from({ length: POOL_SIZE + 2 }, () =>
            request(app.getHttpServer())
              .get('/communities/held-session')
              .then((response) => ({ response, at: performance.now() })),
          ),
        );
        // The held session is the scenario itself, not a wait for something to happen: it ends
        // when it has outlasted a server's pool wait.
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        const committing = performance.now();
        await holder.query('COMMIT');
        const answered = await answers;
        // Every request waited behind the held session: none was answered (ms) before it ended.
        const early = answered.map(({ at }) => Math.round(at - committing)).filter((ms) => ms < 0);
        expect(early).toEqual([]);
        expect(answered.map(({ response }) => `${response.status} ${response.body.code}`)).toEqual(
          Array(POOL_SIZE + 2).fill('404 COMMUNITY_NOT_FOUND'),
        );
      } finally {
        await holder.end();
      }
    },
  );
  embeddedOnly(
    'start a transaction behind a session held longer than Prisma waits by default (2 s)',
    async () => {
      const prisma = app.get(PrismaService);
      const holder = new Client({ connectionString: currentTestRun().databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1');
        // Its BEGIN waits in the wire server behind the holder, on a connection of its own.
        const transaction = prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1 AS one`);
        let waiting = true;
        const settled = transaction
          .then(
            (rows) => ({ rows }),
            (error: unknown) => ({ error: (error as Error).message }),
          )
          .finally(() => (waiting = false));
        // The scenario, not a wait for something to happen: the hold outlasts 2 s.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        // The transaction waited behind the held session: not settled, either way, before it ends.
        expect(waiting).toBe(true);
        await holder.query('COMMIT');
        expect(await settled).toEqual({ rows: [{ one: 1 }] });
      } finally {
        await holder.end();
      }
    },
  );
});
