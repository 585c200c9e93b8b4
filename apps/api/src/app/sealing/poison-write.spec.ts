import { type INestApplication, Logger } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
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
import { createSealedByHandApp } from '../../testing/test-app';
import { Sealer } from './sealer.service';
import { type Applier, WriteBuffer } from './write-buffer.service';

/** What the poisoned note's text is made of: found in no log line. */
const MARKER = 'poison-marker';

/**
 * A write the edge accepted (answered 201) that the database refuses when its batch is sealed:
 * the batch's transaction would roll back at every check, and no write of any community be
 * stored again. The writes it cannot store are dropped and logged by kind, community and code;
 * the rest of the batch is sealed. A failure of the moment is retried as before.
 */
describe('a buffered write the database refuses at sealing', () => {
  let prisma: PrismaClient;
  let app: INestApplication;
  let sealer: Sealer;
  let logged: jest.SpyInstance[];

  beforeAll(async () => {
    prisma = createTestPrisma();
    // Every write waits for a check by hand, and any one member makes a batch due.
    app = await createSealedByHandApp(1);
    sealer = app.get(Sealer);
  });

  beforeEach(() => {
    logged = (['error', 'warn', 'log'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level),
    );
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await app?.close();
    await prisma?.$disconnect();
  });

  const server = () => app.getHttpServer();
  const lines = () =>
    logged.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));
  /** The sealing's error lines (not a scrub's: one may give up on a busy test database). */
  const errors = () =>
    (logged[0] as jest.SpyInstance).mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.startsWith('sealing'));

  /** Joins of new members to `community`, answered 201 and waiting for their batch. */
  async function joins(community: TestCommunity, count: number): Promise<string[]> {
    const commitments = Array.from({ length: count }, () => commitmentOf(createIdentity()));
    for (const commitment of commitments) {
      const joined = await request(server())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment })
        .expect(201);
      expect(joined.body).toMatchObject({ pending: true });
    }
    return commitments;
  }

  const leaves = async (community: TestCommunity) =>
    (await request(server()).get(`/communities/${community.slug}/group/leaves`).expect(200)).body
      .leaves as string[];

  const waiting = async (communities: TestCommunity[]) =>
    (
      await prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM write_buffer
         WHERE community_id = ANY(${communities.map((c) => c.id)}::uuid[])`
    )[0]?.n;

  it('is dropped and logged by its code, and the other writes of every community are sealed', async () => {
    const [alice, bob] = [createIdentity(), createIdentity()];
    const first = await communityWithMembers(app, [alice, bob]);
    const second = await communityWithMembers(app, []);
    const prove = await prover(app, first);
    const note = async (author: typeof alice, text: string) =>
      (
        await request(server())
          .post(`/communities/${first.slug}/notes`)
          .send(
            provenBody(
              await prove(author, 'note.create', '', {
                post: { url: `https://example.com/${first.slug}/story` },
                classification: 'NOT_MISLEADING',
                reasons: ['FACTUALLY_CORRECT'],
                text,
                sources: ['https://example.org/source'],
              }),
            ),
          )
          .expect(201)
      ).body.id as string;
    const poisoned = await note(alice, 'A note the edge accepts.');
    const sound = await note(bob, 'A note stored as usual.');
    const joinedFirst = await joins(first, 1);
    const joinedSecond = await joins(second, 2);

    // What the edge would have let through and the column cannot hold (VARCHAR(1000)), as the
    // buffer stores it: a text over the length, in the waiting write's own payload.
    const [pseudonym] = await prisma.$queryRaw<{ author: string }[]>`
      UPDATE write_buffer SET payload = jsonb_set(payload, '{text}', to_jsonb(repeat(${MARKER}, 100)))
       WHERE kind = 'note' AND payload->>'id' = ${poisoned}
      RETURNING payload->>'authorPseudonym' AS author`;
    expect(pseudonym?.author).toEqual(expect.any(String));

    await sealer.sealDue();

    // Everything else is stored and shown...
    await eventually(async () => {
      expect(await leaves(second)).toEqual(expect.arrayContaining(joinedSecond));
      expect(await leaves(first)).toEqual(expect.arrayContaining(joinedFirst));
      await request(server()).get(`/communities/${first.slug}/notes/${sound}`).expect(200);
    });
    // ...the refused write is gone from the buffer, not stored, and nothing waits.
    await request(server()).get(`/communities/${first.slug}/notes/${poisoned}`).expect(404);
    expect(await waiting([first, second])).toBe(0);

    // The operator is told its kind, community and code; no log line holds its payload or author.
    expect(errors()).toContainEqual(
      expect.stringMatching(
        new RegExp(`dropped a buffered note write of community ${first.id} .*P2000.*22001`),
      ),
    );
    for (const line of lines()) {
      expect(line).not.toContain(MARKER);
      expect(line).not.toContain(pseudonym?.author);
    }
    // The next check has nothing more to do, and logs no error.
    const before = errors().length;
    await sealer.sealDue();
    expect(errors()).toHaveLength(before);
  });

  it('is not what a failure of the moment is: the batch is retried whole at the next check', async () => {
    const community = await communityWithMembers(app, []);
    const commitments = await joins(community, 2);
    // The joins' applier fails once as a serialization failure does (SQLSTATE 40001).
    const buffer = app.get(WriteBuffer);
    const applierOf = buffer.applierOf.bind(buffer);
    let failures = 0;
    jest.spyOn(buffer, 'applierOf').mockImplementation((kind) => {
      const applier = applierOf(kind);
      if (kind !== 'join') return applier;
      const failingOnce: Applier = async (tx, entries) => {
        if (failures === 0) {
          failures += 1;
          await tx.$executeRawUnsafe(
            `DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$`,
          );
        }
        return applier(tx, entries);
      };
      return failingOnce;
    });

    await sealer.sealDue();
    expect(failures).toBe(1);
    // Nothing dropped: both joins still wait, and the log says the batch is retried.
    expect(await waiting([community])).toBe(2);
    expect(errors()).toEqual([expect.stringMatching(/^sealing failed \(.*40001.*retried/)]);

    await sealer.sealDue();
    await eventually(async () => {
      expect(await leaves(community)).toEqual(expect.arrayContaining(commitments));
    });
    expect(await waiting([community])).toBe(0);
    expect(errors().some((line) => line.includes('dropped'))).toBe(false);
  });
});
