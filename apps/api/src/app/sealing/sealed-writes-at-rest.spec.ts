import { type INestApplication, Logger } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { Client } from 'pg';
import request from 'supertest';

import { currentTestRun, eventually } from '@bridgenotes/testing';

import { createTestPrisma } from '../../testing/fixtures';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
} from '../../testing/members';
import { createSealedByHandApp } from '../../testing/test-app';
import {
  besideOtherDatabase,
  besideReader,
  besideSnapshot,
  bufferFiles,
  foundIn,
  scrubbedFrom,
} from '../../testing/write-buffer-files';
import { Sealer } from './sealer.service';

const K = 3;

/**
 * What someone holding the data folder after a sealing could read of the sealed writes in the
 * buffer's own files (and, where no checkpointer runs, in the WAL): deleted rows keep their bytes
 * and transaction ids in arrival order until something rewrites them.
 */
describe('sealed writes leave no trace in the write buffer at rest', () => {
  let prisma: PrismaClient;
  let app: INestApplication;
  let sealer: Sealer;

  beforeAll(async () => {
    prisma = createTestPrisma();
    app = await createSealedByHandApp(K);
    sealer = app.get(Sealer);
  });

  afterAll(async () => {
    await app?.close();
    await prisma?.$disconnect();
  });

  /** K joins waiting in a new community, and the buffer's files once they are written out. */
  async function waitingJoins() {
    const community = await communityWithMembers(app, []);
    const join = (commitment: string) =>
      request(app.getHttpServer())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment })
        .expect(201);
    const commitments = Array.from({ length: K }, () => commitmentOf(createIdentity()));
    for (const commitment of commitments) await join(commitment);
    // The worst case: every page written out to the files, as a checkpoint does at any time.
    await prisma.$executeRawUnsafe('CHECKPOINT');
    return { join, commitments, before: await bufferFiles(prisma) };
  }

  /** Waits until no file the buffer had or has holds any of `commitments` (after `check`). */
  const scrubbed = (before: string[], commitments: string[], check?: () => Promise<void>) =>
    scrubbedFrom(prisma, before, commitments, check);

  it("a sealed batch's joins are gone from the buffer's files and, embedded, from the WAL", async () => {
    const { commitments, before } = await waitingJoins();
    // The search works: the waiting joins are in the files.
    expect(await foundIn(prisma, before, commitments)).toEqual(expect.arrayContaining(commitments));

    expect(await sealer.sealDue()).toBe(K);
    // A scrub that could not have the table in time (an autovacuum of the busy test database
    // holding it) is retried at every check: wait for it, as the timer would.
    await scrubbed(before, commitments, async () => {
      expect(await sealer.sealDue()).toBe(0);
    });
    // Nothing is left to hold them: the rewritten table has no page.
    const [size] = await prisma.$queryRaw<{ pages: number }[]>`
      SELECT (pg_relation_size('write_buffer') / current_setting('block_size')::int)::int AS pages`;
    expect(size?.pages).toBe(0);

    const [{ checkpointer }] = await prisma.$queryRaw<{ checkpointer: boolean }[]>`
      SELECT EXISTS (SELECT FROM pg_stat_get_activity(NULL) WHERE backend_type = 'checkpointer') AS checkpointer`;
    if (!checkpointer) {
      const segments = await prisma.$queryRaw<{ name: string }[]>`
        SELECT 'pg_wal/' || name AS name FROM pg_ls_waldir()`;
      expect(
        await foundIn(
          prisma,
          segments.map((segment) => segment.name),
          commitments,
        ),
      ).toEqual([]);
    }
  });

  it('keeps no sample of the waiting writes in the planner statistics', async () => {
    const { commitments } = await waitingJoins();
    // What autovacuum runs after every fifty-odd writes to the table.
    await prisma.$executeRawUnsafe('ANALYZE write_buffer');
    const stats = await prisma.$queryRaw<{ attname: string }[]>`
      SELECT attname FROM pg_stats WHERE tablename = 'write_buffer'`;
    expect(stats).toEqual([]);
    expect(await sealer.sealDue()).toBe(commitments.length);
  });

  it('creates the posts of sealed notes and requests with their time to the hour', async () => {
    const members = Array.from({ length: K }, () => createIdentity());
    const community = await communityWithMembers(app, members);
    const prove = await prover(app, community);
    const base = `https://example.com/${community.slug}`;
    const [author, ...requesters] = members;
    const note = await prove(author as (typeof members)[number], 'note.create', '', {
      post: { url: `${base}/noted` },
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text: 'A note on a new post.',
      sources: ['https://example.org/source'],
    });
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/notes`)
      .send(provenBody(note))
      .expect(201);
    for (const [index, member] of requesters.entries()) {
      const asked = await prove(member, 'note.request', '', {
        post: { url: `${base}/requested-${index}` },
      });
      await request(app.getHttpServer())
        .post(`/communities/${community.slug}/note-requests`)
        .send(provenBody(asked))
        .expect(201);
    }
    expect(await sealer.sealDue()).toBe(K);

    const posts = await prisma.$queryRaw<{ url: string; hourly: boolean }[]>`
      SELECT canonical_url AS url, created_at = date_trunc('hour', created_at, 'UTC') AS hourly
        FROM posts WHERE canonical_url LIKE ${`${base}/%`} ORDER BY canonical_url`;
    expect(posts).toEqual([
      { url: `${base}/noted`, hourly: true },
      ...requesters.map((_, index) => ({ url: `${base}/requested-${index}`, hourly: true })),
    ]);
  });

  // A second connection holding the table is what a long reader makes (the embedded database is
  // one session, where no other transaction can hold it while the sealer runs).
  (currentTestRun().embedded ? it.skip : it)(
    'a reader holding the buffer (a pg_dump) delays neither the batch nor the next joins, and the scrub is retried once it is gone',
    async () => {
      const { join, commitments, before } = await waitingJoins();
      await besideReader(async () => {
        // The scrub gives up on its lock timeout: the batch is stored all the same...
        expect(await sealer.sealDue()).toBe(K);
        // ...and no submission queues behind a rewrite still waiting for the reader.
        await join(commitmentOf(createIdentity()));
      });
      // The next check, with nothing due, scrubs what the failed scrub left; waited for, as an
      // autovacuum of the busy test database may hold the table at that moment too.
      await scrubbed(before, commitments, async () => {
        expect(await sealer.sealDue()).toBe(0);
      });
    },
  );

  const bufferFile = async () =>
    (
      await prisma.$queryRaw<{ node: string }[]>`
        SELECT pg_relation_filenode('write_buffer')::text AS node`
    )[0]?.node;

  // A snapshot older than the batch may still read the deleted rows: a rewrite then copies them
  // into the new file, so the scrub is owed until that snapshot ends.
  (currentTestRun().embedded ? it.skip : it)(
    'a transaction older than the batch keeps its rows, and the scrub is retried once it ends',
    async () => {
      const { commitments, before } = await waitingJoins();
      const warn = jest.spyOn(Logger.prototype, 'warn');
      try {
        await besideSnapshot(async (pid) => {
          const file = await bufferFile();
          expect(await sealer.sealDue()).toBe(K);
          // No rewrite was tried: it would have copied the rows, and called itself done.
          expect(await bufferFile()).toBe(file);
          // The operator is told what holds it: the oldest, the session left open.
          expect(warn).toHaveBeenCalledWith(
            expect.stringMatching(new RegExp(`[(;] ?session ${pid}, client backend[;)]`)),
          );
          expect(await sealer.sealDue()).toBe(0);
          expect(await bufferFile()).toBe(file);
        });
      } finally {
        warn.mockRestore();
      }
      await scrubbed(before, commitments, async () => {
        expect(await sealer.sealDue()).toBe(0);
      });
    },
  );

  (currentTestRun().embedded ? it.skip : it)(
    "another database's transaction older than the batch keeps its rows, and the scrub is retried once it ends",
    async () => {
      const { commitments, before } = await waitingJoins();
      const warn = jest.spyOn(Logger.prototype, 'warn');
      try {
        await besideOtherDatabase(async (pid) => {
          const file = await bufferFile();
          expect(await sealer.sealDue()).toBe(K);
          expect(await bufferFile()).toBe(file);
          // Named among the oldest (other test jobs' older transactions may come before it).
          expect(warn).toHaveBeenCalledWith(
            expect.stringMatching(
              new RegExp(`[(;] ?session ${pid}, client backend, database postgres[;)]`),
            ),
          );
        });
      } finally {
        warn.mockRestore();
      }
      await scrubbed(before, commitments, async () => {
        expect(await sealer.sealDue()).toBe(0);
      });
    },
  );

  // What holds the rows may show in no view (a backend still connecting holds a snapshot before
  // pg_stat_activity lists it): stood for by hiding the holder from the look before the rewrite.
  (currentTestRun().embedded ? it.skip : it)(
    'a rewrite that had to keep deleted rows is not called done, even when nothing was seen holding them',
    async () => {
      const { commitments, before } = await waitingJoins();
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const query = Client.prototype.query as (...args: unknown[]) => unknown;
      // The look before each rewrite sees nothing; the one after a rewrite made sees what is.
      let rewritten = false;
      const hidden = jest.spyOn(Client.prototype, 'query') as unknown as jest.SpyInstance;
      hidden.mockImplementation(function (this: Client, ...args: unknown[]) {
        const text = typeof args[0] === 'string' ? args[0] : '';
        if (text.startsWith('VACUUM')) {
          return (query.apply(this, args) as Promise<unknown>).then((result) => {
            rewritten = true;
            return result;
          });
        }
        if (!text.includes(') AS holders')) return query.apply(this, args);
        if (!rewritten) return Promise.resolve({ rows: [{ holders: null }] });
        rewritten = false;
        return query.apply(this, args);
      });
      try {
        await besideOtherDatabase(async (pid) => {
          const kept = new RegExp(
            `[(;] ?session ${pid}, client backend, database postgres;.* \\d+ deleted rows kept\\)`,
          );
          const told = () => warn.mock.calls.some(([message]) => kept.test(String(message)));
          expect(await sealer.sealDue()).toBe(K);
          // A rewrite that could not have the table in time (an autovacuum holding it) is retried
          // at the next check, as the timer would.
          await eventually(async () => {
            if (!told()) await sealer.sealDue();
            expect(told()).toBe(true);
          });
          // The rewrite copied the rows: the scrub stays owed, the holder named.
          await prisma.$executeRawUnsafe('CHECKPOINT');
          expect(await foundIn(prisma, await bufferFiles(prisma), commitments)).toEqual(
            expect.arrayContaining(commitments),
          );
        });
      } finally {
        hidden.mockRestore();
        warn.mockRestore();
      }
      await scrubbed(before, commitments, async () => {
        expect(await sealer.sealDue()).toBe(0);
      });
    },
  );

  (currentTestRun().embedded ? it.skip : it)(
    "a process started while a transaction older than another's batch is open scrubs once it ends",
    async () => {
      const { commitments, before } = await waitingJoins();
      let next: INestApplication | undefined;
      try {
        await besideSnapshot(async () => {
          expect(await sealer.sealDue()).toBe(K);
          const file = await bufferFile();
          // Its first check, at its start, is held by the older snapshot too.
          next = await createSealedByHandApp(K);
          expect(await next.get(Sealer).sealDue()).toBe(0);
          expect(await bufferFile()).toBe(file);
        });
        const started = next as INestApplication;
        await scrubbed(before, commitments, async () => {
          await started.get(Sealer).sealDue();
        });
      } finally {
        await next?.close();
      }
    },
  );

  (currentTestRun().embedded ? it.skip : it)(
    "a process started after another's scrub failed scrubs at its first check",
    async () => {
      const { commitments, before } = await waitingJoins();
      await besideReader(async () => {
        expect(await sealer.sealDue()).toBe(K);
      });
      // The process that owed the scrub stops (killed: nothing more from it); the next one's
      // first check, at its start, scrubs.
      const next = await createSealedByHandApp(K);
      try {
        // Its own later checks retry, should its first scrub meet an autovacuum: a process that
        // started owing nothing, with nothing due, would never scrub.
        await scrubbed(before, commitments, async () => {
          await next.get(Sealer).sealDue();
        });
      } finally {
        await next.close();
      }
    },
  );
});
