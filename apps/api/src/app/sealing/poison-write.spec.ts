import { HttpException, type INestApplication, Logger } from '@nestjs/common';
import type { Identity } from '@semaphore-protocol/core';
import { errorCode, type PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { eventually } from '@bridgenotes/testing';

import { createTestPrisma } from '../../testing/fixtures';
import { ApiError } from '../common/api-error';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  type TestCommunity,
} from '../../testing/members';
import { poison as poisonNote, POISON_MARKER, waitingNote } from '../../testing/poisoned-notes';
import { createSealedByHandApp, createTestApp } from '../../testing/test-app';
import { isDataFault } from './data-fault';
import { Sealer } from './sealer.service';
import { type Applier, WriteBuffer } from './write-buffer.service';

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

  const note = (community: TestCommunity, author: Identity) => waitingNote(app, community, author);
  const poison = (noteId: string) => poisonNote(prisma, noteId);

  /** No log line holds the poisoned payload or its author. */
  function nothingOfIt(author: string): void {
    for (const line of lines()) {
      expect(line).not.toContain(POISON_MARKER);
      expect(line).not.toContain(author);
    }
  }

  it('is dropped and logged by its code, and the other writes of every community are sealed', async () => {
    const [alice, bob] = [createIdentity(), createIdentity()];
    const first = await communityWithMembers(app, [alice, bob]);
    const second = await communityWithMembers(app, []);
    const poisoned = await note(first, alice);
    const sound = await note(first, bob);
    const joinedFirst = await joins(first, 1);
    const joinedSecond = await joins(second, 2);
    const author = await poison(poisoned);

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
    nothingOfIt(author);
    // The next check has nothing more to do, and logs no error.
    const before = errors().length;
    await sealer.sealDue();
    expect(errors()).toHaveLength(before);
  });

  it('is kept in the buffer, the rest sealed, when every write of its kind is refused: that is the code or the schema', async () => {
    const [alice, bob] = [createIdentity(), createIdentity()];
    const community = await communityWithMembers(app, [alice, bob]);
    const poisoned = [await note(community, alice), await note(community, bob)];
    for (const id of poisoned) await poison(id);
    const joined = await joins(community, 1);

    const before = errors().length;
    await sealer.sealDue();
    // The join is stored; both notes stay for a later batch, said once, no drop announced.
    await eventually(async () => {
      expect(await leaves(community)).toEqual(expect.arrayContaining(joined));
    });
    expect(await waiting([community])).toBe(2);
    expect(errors().slice(before)).toEqual([
      expect.stringMatching(/keeps all of the batch's 2 note writes in the buffer/),
    ]);
    // Out of the way of the other cases: the buffer emptied by hand.
    await prisma.$executeRaw`DELETE FROM write_buffer WHERE community_id = ${community.id}::uuid`;
  });

  it('is found among hundreds by halves, with a few subtransactions, not one per write', async () => {
    const alice = createIdentity();
    const [first, second, third] = [
      await communityWithMembers(app, []),
      await communityWithMembers(app, []),
      await communityWithMembers(app, [alice]),
    ];
    const joinedFirst = await joins(first, 150);
    const joinedSecond = await joins(second, 149);
    const author = await poison(await note(third, alice));
    // A join the edge took whose commitment the tree refuses (COMMITMENT_INVALID, a 400).
    const [refusedJoin] = joinedFirst.splice(75, 1);
    await prisma.$executeRaw`
      UPDATE write_buffer SET payload = jsonb_set(payload, '{commitment}', '"0"')
       WHERE kind = 'join' AND payload->>'commitment' = ${refusedJoin}`;
    // Each applier call counted (a savepoint takes one or more), and after it the subtransactions
    // holding the members' rows written so far: one xid each (their xmin), held as the batch's
    // own until it ends (PostgreSQL's cache of them) unless rolled back.
    const buffer = app.get(WriteBuffer);
    const applierOf = buffer.applierOf.bind(buffer);
    let [calls, subtransactions] = [0, 0];
    jest.spyOn(buffer, 'applierOf').mockImplementation((kind) => {
      const counted: Applier = async (tx, entries) => {
        calls += 1;
        await applierOf(kind)(tx, entries);
        const [held] = await tx.$queryRaw<{ n: number }[]>`
          SELECT count(DISTINCT xmin::text)::int AS n FROM members
           WHERE community_id IN (${first.id}::uuid, ${second.id}::uuid)`;
        subtransactions = Math.max(subtransactions, held?.n ?? 0);
      };
      return counted;
    });

    await sealer.sealDue();

    await eventually(async () => {
      expect(await leaves(first)).toEqual(expect.arrayContaining(joinedFirst));
      expect(await leaves(second)).toEqual(expect.arrayContaining(joinedSecond));
    });
    expect(await waiting([first, second, third])).toBe(0);
    expect(errors()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(`dropped a buffered join write of community ${first.id} .*400`),
        expect.stringMatching(`dropped a buffered note write of community ${third.id} .*22001`),
        expect.stringMatching(/dropped 2 of the batch's \d+ writes/),
      ]),
    );
    nothingOfIt(author);
    // Two refused among 300: each found in at most log2(300) < 9 cuts of two halves, each half a
    // savepoint and an applier call (two at the first cut, of two kinds), beside the batch's
    // first try and last pass; the halves stored on the way hold a subtransaction each until the
    // trial's rollback. One write at a time took a call and a savepoint for each of the 300, all
    // held till the trial's end: past 64 (PGPROC_MAX_CACHED_SUBXIDS), every other session's
    // snapshot checks read pg_subtrans.
    expect(calls).toBeLessThanOrEqual(2 * 2 * 9 + 2);
    expect(subtransactions).toBeLessThanOrEqual(2 * 9);
  });

  it('is dropped by an immediate-mode process sealing at its start what a window left', async () => {
    const alice = createIdentity();
    const community = await communityWithMembers(app, [alice]);
    const poisoned = await note(community, alice);
    const joined = await joins(community, 1);
    const author = await poison(poisoned);

    const immediate = await createTestApp({ SEAL_WINDOW_SECONDS: '0' });
    try {
      // Its start alone seals what waits, in every community: the join, without the note.
      await eventually(async () => {
        expect(await leaves(community)).toEqual(expect.arrayContaining(joined));
        expect(await waiting([community])).toBe(0);
      });
    } finally {
      await immediate.close();
    }
    await request(server()).get(`/communities/${community.slug}/notes/${poisoned}`).expect(404);
    expect(errors()).toContainEqual(
      expect.stringMatching(
        new RegExp(`dropped a buffered note write of community ${community.id} .*P2000.*22001`),
      ),
    );
    nothingOfIt(author);
  });

  it('is kept, and the batch retried, when the batch fails only as a whole', async () => {
    const community = await communityWithMembers(app, []);
    const commitments = await joins(community, 2);
    // The joins' applier refuses the two together (a unique violation) and each alone not.
    const buffer = app.get(WriteBuffer);
    const applierOf = buffer.applierOf.bind(buffer);
    let together = true;
    jest.spyOn(buffer, 'applierOf').mockImplementation((kind) => {
      const applier = applierOf(kind);
      if (kind !== 'join') return applier;
      const refusingTwo: Applier = async (tx, entries) => {
        const ours = entries.filter((entry) => entry.communityId === community.id);
        if (together && ours.length === 2) {
          await tx.$executeRawUnsafe(
            `DO $$ BEGIN RAISE EXCEPTION 'duplicate' USING ERRCODE = '23505'; END $$`,
          );
        }
        return applier(tx, entries);
      };
      return refusingTwo;
    });

    await sealer.sealDue();
    // Nothing dropped: both wait, and the check says why once.
    expect(await waiting([community])).toBe(2);
    expect(errors()).toEqual([
      expect.stringMatching(/^sealing failed \(.*23505; no write of the batch is refused alone/),
    ]);

    together = false;
    await sealer.sealDue();
    await eventually(async () => {
      expect(await leaves(community)).toEqual(expect.arrayContaining(commitments));
    });
    expect(await waiting([community])).toBe(0);
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

/** Which failures are the data's (a write dropped) and which the moment's (the batch retried). */
describe('a data fault', () => {
  /** An error as Prisma throws it over the driver adapter: its code, and the SQLSTATE under it. */
  const prismaError = (code: string, sqlState?: string) =>
    Object.assign(new Error('Raw query failed. Code: `…`. Message: `value "secret"`'), {
      name: 'PrismaClientKnownRequestError',
      code,
      meta: sqlState ? { driverAdapterError: { cause: { originalCode: sqlState } } } : undefined,
    });

  it.each([
    ['a value too long', prismaError('P2000', '22001'), true],
    ['bad input syntax, in a raw query', prismaError('P2010', '22P02'), true],
    ['a unique violation', prismaError('P2002', '23505'), true],
    ['a foreign key violation, in a raw query', prismaError('P2010', '23503'), true],
    ['a check violation, named by Prisma alone', prismaError('P2004'), true],
    ['a serialization failure', prismaError('P2010', '40001'), false],
    ['a deadlock', prismaError('P2010', '40P01'), false],
    ['a lock not had in time', prismaError('P2010', '55P03'), false],
    ['a statement cancelled', prismaError('P2010', '57014'), false],
    ['a transaction not started in time', prismaError('P2028'), false],
    ['a write conflict', prismaError('P2034'), false],
    ['a connection lost', new Error('Connection terminated unexpectedly'), false],
    ['the group full at sealing (409 GROUP_FULL)', ApiError.of('GROUP_FULL'), true],
    ['the database busy (503)', new HttpException('busy', 503), false],
    [
      "Prisma's check of a query's shape",
      Object.assign(new Error('Argument `text`: …'), { name: 'PrismaClientValidationError' }),
      false,
    ],
  ])('%s', (_what, error, data) => {
    expect(isDataFault(error)).toBe(data);
  });

  it("is logged by its name and codes, a database error's message never", () => {
    expect(errorCode(prismaError('P2010', '22P02'))).toBe(
      'PrismaClientKnownRequestError, P2010, SQLSTATE 22P02',
    );
    expect(errorCode(new Error('Connection terminated unexpectedly'))).toBe(
      'Error, Connection terminated unexpectedly',
    );
    expect(errorCode(ApiError.of('GROUP_FULL'))).toMatch(/^ApiError, GROUP_FULL, 4\d\d$/);
  });
});
