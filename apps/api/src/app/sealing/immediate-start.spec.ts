import { type INestApplication, Logger } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { currentTestRun, eventually } from '@bridgenotes/testing';

import { createTestPrisma } from '../../testing/fixtures';
import { commitmentOf, communityWithMembers, createIdentity } from '../../testing/members';
import { createSealedByHandApp, createTestApp } from '../../testing/test-app';
import {
  besideReader,
  besideSnapshot,
  bufferFiles,
  foundIn,
  openSnapshot,
  scrubbedFrom,
} from '../../testing/write-buffer-files';
import { Sealer } from './sealer.service';

const K = 3;

const immediateApp = () => createTestApp({ SEAL_WINDOW_SECONDS: '0' });

/**
 * Switching an instance to immediate mode (SEAL_WINDOW_SECONDS=0): what a process with a window
 * left is sealed, and scrubbed from the buffer's files, by the immediate-mode process's start,
 * with no write to its community needed.
 */
describe('an immediate-mode process seals and scrubs what a process with a window left', () => {
  let prisma: PrismaClient;

  beforeAll(() => {
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await prisma?.$disconnect();
  });

  /** Runs `work` with a new process of the API, then stops it. */
  async function withApp<T>(
    create: () => Promise<INestApplication>,
    work: (app: INestApplication) => Promise<T>,
  ): Promise<T> {
    const app = await create();
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }

  /** A process that has a window (batches of K, sealed by hand). */
  const windowedApp = () => createSealedByHandApp(K);

  /** `count` joins to a new community, answered 201 and waiting for their batch. */
  async function joins(app: INestApplication, count: number) {
    // The process's start check done first: its scrub rewrites the files (a new file node), and
    // after the files are read below it would leave `before` naming files that are gone.
    await app.get(Sealer).sealDue();
    const community = await communityWithMembers(app, []);
    const commitments = Array.from({ length: count }, () => commitmentOf(createIdentity()));
    for (const commitment of commitments) {
      const joined = await request(app.getHttpServer())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment })
        .expect(201);
      expect(joined.body).toMatchObject({ pending: true });
    }
    // The worst case: every page written out to the files, as a checkpoint does at any time.
    await prisma.$executeRawUnsafe('CHECKPOINT');
    return { community, commitments, before: await bufferFiles(prisma) };
  }

  /** Waits until the community's published group lists every one of `commitments`. */
  const published = (app: INestApplication, slug: string, commitments: string[]) =>
    eventually(async () => {
      const group = await request(app.getHttpServer())
        .get(`/communities/${slug}/group/leaves`)
        .expect(200);
      expect(new Set(group.body.leaves)).toEqual(new Set(commitments));
    });

  it('seals the joins left waiting, fewer than K, and scrubs them from the files', async () => {
    const { community, commitments, before } = await withApp(windowedApp, async (app) => {
      const left = await joins(app, K - 1);
      // Not due with a window: fewer than K members wait, and no wait bounds them.
      expect(await app.get(Sealer).sealDue()).toBe(0);
      // That check retries a start scrub another job's transaction held, rewriting the files:
      // they are read after it (the CI once found the joins in none of the earlier ones).
      await prisma.$executeRawUnsafe('CHECKPOINT');
      return { ...left, before: await bufferFiles(prisma) };
    });
    // The search works: the waiting joins are in the files.
    expect(await foundIn(prisma, before, commitments)).toEqual(expect.arrayContaining(commitments));

    // Nothing but the start stores them: no write to the community, no check by hand. Its scrub,
    // if another test job's transaction holds it, is retried as the process's timer would (once
    // a minute: a few tries in the test's patience), by hand.
    await withApp(immediateApp, async (app) => {
      await published(app, community.slug, commitments);
      await scrubbedFrom(prisma, before, commitments, async () => {
        await app.get(Sealer).sealDue();
      });
    });
  });

  // A second connection holding the table or a snapshot is what a long reader makes (the
  // embedded database is one session, where none can be open while the sealer runs).
  (currentTestRun().embedded ? it.skip : it)(
    'scrubs a batch that a process with a window sealed and could not scrub before it stopped',
    async () => {
      const { commitments, before } = await withApp(windowedApp, async (app) => {
        const left = await joins(app, K);
        // The scrub gives up on its lock timeout: the batch is stored, its rows left in the files.
        await besideReader(async () => {
          expect(await app.get(Sealer).sealDue()).toBe(K);
        });
        return left;
      });
      await withApp(immediateApp, () => scrubbedFrom(prisma, before, commitments));
    },
  );

  (currentTestRun().embedded ? it.skip : it)(
    'retries a scrub held at its start by a transaction older than the batch once it ends',
    async () => {
      const { community, commitments, before } = await withApp(windowedApp, (app) => joins(app, 1));
      const warn = jest.spyOn(Logger.prototype, 'warn');
      let app: INestApplication | undefined;
      try {
        await besideSnapshot(async (pid) => {
          app = await immediateApp();
          await published(app, community.slug, commitments);
          // Held: the operator is told what holds it, and the rows stay in the files for now.
          const held = new RegExp(`^scrubbing sealed writes failed: .*[(;] ?session ${pid},`);
          await eventually(async () => {
            expect(warn.mock.calls.some(([message]) => held.test(String(message)))).toBe(true);
          });
          await prisma.$executeRawUnsafe('CHECKPOINT');
          expect(await foundIn(prisma, before, commitments)).toEqual(commitments);
        });
        // Retried as the process's timer does (every minute: by hand here), until it is done.
        const sealer = (app as INestApplication).get(Sealer);
        await scrubbedFrom(prisma, before, commitments, async () => {
          expect(await sealer.sealDue()).toBe(0);
        });
      } finally {
        warn.mockRestore();
        await app?.close();
      }
    },
  );

  // On a busy instance requests keep sealing their own writes after the batch, and some request
  // always has a snapshot from before the latest of them: the rewrite keeps those rows.
  (currentTestRun().embedded ? it.skip : it)(
    'calls its scrub done beside a snapshot newer than its batch over rows requests sealed since',
    async () => {
      const { community, commitments, before } = await withApp(windowedApp, (app) => joins(app, 1));
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const error = jest.spyOn(Logger.prototype, 'error');
      const messages = (spy: jest.SpyInstance) => spy.mock.calls.map(([line]) => String(line));
      let older: Awaited<ReturnType<typeof openSnapshot>> | undefined = await openSnapshot();
      let newer: Awaited<ReturnType<typeof openSnapshot>> | undefined;
      let app: INestApplication | undefined;
      try {
        app = await immediateApp();
        await published(app, community.slug, commitments);
        // A snapshot older than the start's batch: held, as it must be, naming it.
        const { pid } = older;
        const byOlder = new RegExp(`^scrubbing sealed writes failed: .*[(;] ?session ${pid},`);
        await eventually(async () => {
          expect(messages(warn).some((message) => byOlder.test(message))).toBe(true);
        });
        // A reader's snapshot newer than the batch, then a write sealed in its request: the
        // rewrite must keep that write's deleted row, which the reader may still read.
        newer = await openSnapshot();
        const later = await communityWithMembers(app, []);
        const joined = await request(app.getHttpServer())
          .post(`/communities/${later.slug}/members`)
          .send({ commitment: commitmentOf(createIdentity()) })
          .expect(201);
        expect(joined.body).toMatchObject({ pending: false });
        await older.end();
        older = undefined;
        warn.mockClear();
        // Retried as the process's timer does (every minute: by hand here), until it is done;
        // another test job's older transaction may hold it meanwhile, never the later rows.
        const sealer = app.get(Sealer);
        await scrubbedFrom(prisma, before, commitments, async () => {
          expect(await sealer.sealDue()).toBe(0);
        });
        // Never held for the rows kept, nor an alarm (a lock timeout, another job reading the
        // table, is an error retried, no alarm).
        const held = (message: string) =>
          message.includes('deleted rows kept') || message.includes('end it to scrub');
        expect([...messages(warn), ...messages(error)].filter(held)).toEqual([]);
        // Done, not owed: the next check tries nothing, and says nothing.
        warn.mockClear();
        await sealer.sealDue();
        expect(messages(warn)).toEqual([]);
      } finally {
        warn.mockRestore();
        error.mockRestore();
        await newer?.end();
        await older?.end();
        await app?.close();
      }
    },
  );
});
