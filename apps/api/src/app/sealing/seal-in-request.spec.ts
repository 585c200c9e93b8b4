import { type INestApplication, Logger } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { eventually } from '@bridgenotes/testing';

import { createTestPrisma } from '../../testing/fixtures';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  type TestCommunity,
} from '../../testing/members';
import { createTestApp } from '../../testing/test-app';
import { type Applier, WriteBuffer } from './write-buffer.service';

/** The sealer's check in immediate mode, every minute: shortened here, not skipped. */
const SWEEP_MS = 60_000;

/**
 * Immediate mode (SEAL_WINDOW_SECONDS=0) when a request's own seal fails: the write is durable in
 * the buffer and will be stored, so it is answered as the pending write it is (never 500, which a
 * client would retry, or show as a failure of a write that then appears), and the sealer's timer
 * stores it, with no further request to its community.
 */
describe('a write whose seal fails in its own request', () => {
  let prisma: PrismaClient;
  let app: INestApplication;
  /** While true, every batch fails as a lock timeout does (SQLSTATE 55P03), and is rolled back. */
  let locked = false;
  let logged: jest.SpyInstance[];

  beforeAll(async () => {
    prisma = createTestPrisma();
    // The timer's minute made a second: the test waits for the timer's own check to store the
    // write, not for a check by hand, and not for a minute.
    const setIntervalOf = global.setInterval;
    jest
      .spyOn(global, 'setInterval')
      .mockImplementation(((check: () => void, ms: number) =>
        setIntervalOf(check, ms === SWEEP_MS ? 1_000 : ms)) as typeof setInterval);
    app = await createTestApp({ SEAL_WINDOW_SECONDS: '0' });
    const buffer = app.get(WriteBuffer);
    const applierOf = buffer.applierOf.bind(buffer);
    jest.spyOn(buffer, 'applierOf').mockImplementation((kind) => {
      const applier = applierOf(kind);
      const timingOut: Applier = async (tx, entries) => {
        if (locked) {
          await tx.$executeRawUnsafe(
            `DO $$ BEGIN RAISE EXCEPTION 'lock timeout' USING ERRCODE = '55P03'; END $$`,
          );
        }
        return applier(tx, entries);
      };
      return timingOut;
    });
  });

  beforeEach(() => {
    logged = (['error', 'warn', 'log'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level),
    );
  });

  afterEach(() => {
    for (const spy of logged) spy.mockRestore();
    locked = false;
  });

  afterAll(async () => {
    await app?.close();
    await prisma?.$disconnect();
    jest.restoreAllMocks();
  });

  const server = () => app.getHttpServer();
  const lines = () =>
    logged.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));
  /** The error said of the failed seal: its code only. */
  const told = () =>
    expect(lines()).toContainEqual(
      expect.stringMatching(
        /^sealing a write in its request failed \(.*55P03.*\): answered as pending, retried within a minute$/,
      ),
    );
  const waiting = async (community: TestCommunity) =>
    (
      await prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM write_buffer WHERE community_id = ${community.id}::uuid`
    )[0]?.n;

  it('answers a join as pending, then the timer stores it', async () => {
    const community = await communityWithMembers(app, []);
    const commitment = commitmentOf(createIdentity());
    locked = true;
    const joined = await request(server())
      .post(`/communities/${community.slug}/members`)
      .send({ commitment })
      .expect(201);
    locked = false;
    // Not claimed stored: it is not, until the timer's check.
    expect(joined.body).toMatchObject({ pending: true, leafIndex: null });
    told();
    expect(lines().some((line) => line.includes(commitment))).toBe(false);

    await eventually(async () => {
      const { body } = await request(server())
        .get(`/communities/${community.slug}/group/leaves`)
        .expect(200);
      expect(body.leaves).toContain(commitment);
    });
    expect(await waiting(community)).toBe(0);
  });

  it('answers a note as it will be stored, then the timer stores it', async () => {
    const author = createIdentity();
    const community = await communityWithMembers(app, [author]);
    const prove = await prover(app, community);
    const text = `A note whose seal timed out (${randomUUID()})`;
    const proven = await prove(author, 'note.create', '', {
      post: { url: `https://example.com/${community.slug}/story` },
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text,
      sources: ['https://example.org/source'],
    });
    locked = true;
    const answered = await request(server())
      .post(`/communities/${community.slug}/notes`)
      .send(provenBody(proven))
      .expect(201);
    locked = false;
    expect(answered.body).toMatchObject({ text, status: 'NEEDS_MORE_RATINGS' });
    told();
    expect(lines().some((line) => line.includes(text))).toBe(false);

    await eventually(async () => {
      await request(server())
        .get(`/communities/${community.slug}/notes/${answered.body.id}`)
        .expect(200);
    });
    expect(await waiting(community)).toBe(0);
  });
});
