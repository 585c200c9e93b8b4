import { type INestApplication, Logger } from '@nestjs/common';
import { pseudonymOf } from '@bridgenotes/client';
import { NoteClassification, type PrismaClient } from '@bridgenotes/database';
import type { Identity } from '@semaphore-protocol/core';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  type TestCommunity,
} from '../../testing/members';
import { poison, waitingNote } from '../../testing/poisoned-notes';
import { createSealedByHandApp } from '../../testing/test-app';
import { Sealer } from './sealer.service';

const K = 2;

/**
 * A batch refused for a write's data stores the rest only where the rest still makes K members
 * (docs/threat-model.md: a batch of at least K members' writes): the refused writes' members,
 * dropped or held in the buffer, count towards no batch, now or at a later check. With K = 2.
 * (poison-write.spec.ts, with K = 1, has how the refused writes are found, dropped and told.)
 */
describe('a batch refused for a write, at K members', () => {
  let prisma: PrismaClient;
  let app: INestApplication;
  let sealer: Sealer;
  let errors: jest.SpyInstance;
  /** Every community made here: what waits in them is removed at the end. */
  const communities: TestCommunity[] = [];

  beforeAll(async () => {
    prisma = createTestPrisma();
    app = await createSealedByHandApp(K);
    sealer = app.get(Sealer);
    // The start's own check, done before any case reads the counter.
    await sealer.sealDue();
  });

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    // What waits here is left to no later suite of the run (one database): a scrub's check of the
    // buffer's files expects them empty.
    await prisma.$executeRaw`
      DELETE FROM write_buffer WHERE community_id = ANY(${communities.map((c) => c.id)}::uuid[])`;
    await app?.close();
    await prisma?.$disconnect();
  });

  const server = () => app.getHttpServer();
  const made = async (members: Identity[]) => {
    const community = await communityWithMembers(app, members);
    communities.push(community);
    return community;
  };
  const sealingErrors = () =>
    errors.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('sealing'));

  /** The ids of `community`'s writes still waiting, by kind. */
  const waiting = async (community: TestCommunity, kind: string) =>
    (
      await prisma.$queryRaw<{ id: string }[]>`
        SELECT coalesce(payload->>'id', payload->>'noteId') AS id FROM write_buffer
         WHERE community_id = ${community.id}::uuid AND kind = ${kind}`
    ).map((row) => row.id);

  const counter = async () =>
    (await prisma.$queryRaw<{ last: bigint }[]>`SELECT last FROM change_batches WHERE id = 1`)[0]
      ?.last;

  /** A note stored by an earlier batch, by `author`: its id. */
  async function sealedNote(community: TestCommunity, author: Identity): Promise<string> {
    const post = await prisma.post.create({
      data: { canonicalUrl: `https://example.com/${community.slug}/sealed` },
    });
    const { id } = await prisma.note.create({
      data: {
        communityId: community.id,
        postId: post.id,
        authorPseudonym: pseudonymOf(author, community.scope),
        classification: NoteClassification.NOT_MISLEADING,
        reasons: ['FACTUALLY_CORRECT'],
        text: 'A note sealed before.',
        sources: ['https://example.org/source'],
      },
    });
    return id;
  }

  /** `rater`'s rating of the note, answered 201 and waiting for its batch. */
  async function rate(community: TestCommunity, rater: Identity, noteId: string): Promise<void> {
    const prove = await prover(app, community);
    const proven = await prove(rater, 'rating.put', `note:${noteId}`, {
      helpfulness: 'HELPFUL',
      tags: [],
    });
    await request(server())
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(provenBody(proven))
      .expect(201);
  }

  const ratingsOf = (noteId: string) => prisma.rating.count({ where: { noteId } });

  it('changes nothing, the batch counter included, at a check with fewer than K members waiting', async () => {
    const alice = createIdentity();
    const community = await made([alice]);
    const note = await waitingNote(app, community, alice);
    const before = await counter();

    await expect(sealer.sealDue()).resolves.toBe(0);

    expect(await waiting(community, 'note')).toEqual([note]);
    // Advanced at every check, the counter would be a clock of the checks in the export.
    expect(await counter()).toBe(before);
  });

  it('keeps the rest waiting when the batch was due at K only with the write it drops', async () => {
    const [alice, bob, carol] = [createIdentity(), createIdentity(), createIdentity()];
    const community = await made([alice, bob, carol]);
    const refused = await waitingNote(app, community, alice);
    const sound = await waitingNote(app, community, bob);
    await poison(prisma, refused);

    await sealer.sealDue();

    // Alice's note is dropped (logged); Bob's alone would be a batch of one member: it waits.
    expect(await waiting(community, 'note')).toEqual([sound]);
    await request(server()).get(`/communities/${community.slug}/notes/${sound}`).expect(404);
    expect(sealingErrors()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(`dropped a buffered note write of community ${community.id}`),
        expect.stringMatching(/leaves 1 of the rest waiting/),
      ]),
    );

    // A second member's write makes it due: both stored, nothing waits.
    const next = await waitingNote(app, community, carol);
    await expect(sealer.sealDue()).resolves.toBe(2);
    expect(await waiting(community, 'note')).toEqual([]);
    for (const id of [sound, next]) {
      await request(server()).get(`/communities/${community.slug}/notes/${id}`).expect(200);
    }
  });

  it('counts no held write towards K: their members alone make nothing due, nor a write beside them', async () => {
    const [alice, bob, carol, dave, erin] = Array.from({ length: 5 }, () => createIdentity());
    const community = await made([alice, bob, carol, dave, erin]);
    const rated = await sealedNote(community, dave);
    // Alice's and Bob's notes, every note of the batch, are refused: held in the buffer.
    const held = [await waitingNote(app, community, alice), await waitingNote(app, community, bob)];
    for (const id of held) await poison(prisma, id);

    // The two held notes alone made K: the check stores nothing and changes nothing.
    const before = await counter();
    await expect(sealer.sealDue()).resolves.toBe(0);
    expect((await waiting(community, 'note')).sort()).toEqual([...held].sort());
    expect(await counter()).toBe(before);
    expect(sealingErrors()).toEqual([
      expect.stringMatching(/keeps all of the batch's 2 note writes in the buffer/),
    ]);

    // Carol's rating beside them would be stored alone, a batch of one member: it waits.
    await rate(community, carol, rated);
    await expect(sealer.sealDue()).resolves.toBe(0);
    expect(await waiting(community, 'rating')).toEqual([rated]);
    expect(await ratingsOf(rated)).toBe(0);
    expect(await counter()).toBe(before);

    // Erin's rating makes two members besides the held ones: both stored, the notes still held.
    await rate(community, erin, rated);
    await expect(sealer.sealDue()).resolves.toBe(2);
    expect(await ratingsOf(rated)).toBe(2);
    expect(await waiting(community, 'rating')).toEqual([]);
    expect(await waiting(community, 'note')).toHaveLength(2);
  });
});
