import type { INestApplication } from '@nestjs/common';
import { pseudonymOf } from '@bridgenotes/client';
import { NoteReportsStore, type PrismaClient } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import type { Identity } from '@semaphore-protocol/core';
import request from 'supertest';

import { createTestPrisma, NOTE_FIELDS } from '../../testing/fixtures';
import { holdNext, waitingOnAdvisoryLock } from '../../testing/hold';
import {
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import { createSealedByHandApp, OPERATOR_KEY } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';
import { WriteBuffer } from '../sealing/write-buffer.service';

/**
 * A write whose proof check passed (the pseudonym not blocked yet) and which then waits to be
 * buffered (behind a sealing, other submissions) takes no write of a pseudonym a moderator
 * blocked meanwhile: refused as a blocked pseudonym's write is (docs/moderation.md). Writes are
 * sealed by hand, one member enough for a batch. Each writer has a note stored, so it acted in
 * the community and may be blocked.
 */
describe('a write of a pseudonym blocked while it waits to be buffered', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let prove: Awaited<ReturnType<typeof prover>>;
  const writers = [
    createIdentity(),
    createIdentity(),
    createIdentity(),
    createIdentity(),
    createIdentity(),
  ];
  const [rater, author, requester, locked, reporter] = writers;
  let rated: string;
  const server = () => app.getHttpServer();
  const pseudonym = (identity: Identity) => pseudonymOf(identity, community.scope);

  beforeAll(async () => {
    app = await createSealedByHandApp(1);
    prisma = createTestPrisma();
    community = await communityWithMembers(app, writers);
    prove = await prover(app, community);
    for (const [index, writer] of writers.entries()) {
      const post = await prisma.post.create({
        data: { canonicalUrl: `https://example.com/${community.slug}/stored-${index}` },
      });
      const { id } = await prisma.note.create({
        data: {
          ...NOTE_FIELDS,
          communityId: community.id,
          postId: post.id,
          authorPseudonym: pseudonym(writer),
        },
      });
      // Rated by the others: the author's.
      if (writer === author) rated = id;
    }
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
    await prisma.$disconnect();
  });

  const block = (identity: Identity) =>
    request(server())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ action: 'BLOCK', pseudonym: pseudonym(identity), reasonCode: 'SPAM' });

  /** What the pseudonym has waiting in the buffer and stored, after a sealing. */
  async function kept(identity: Identity) {
    await app.get(Sealer).sealDue();
    const actor = pseudonym(identity);
    const [{ waiting }] = await prisma.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM write_buffer
       WHERE community_id = ${community.id}::uuid AND actor = ${actor}`;
    const where = { communityId: community.id };
    return {
      waiting,
      notes: await prisma.note.count({ where: { ...where, authorPseudonym: actor } }),
      ratings: await prisma.rating.count({ where: { ...where, raterPseudonym: actor } }),
      requests: await prisma.noteRequest.count({ where: { ...where, requesterPseudonym: actor } }),
    };
  }

  /** Waits until the held call is reached; a write answered before it fails with its answer. */
  const reachedBefore = (held: { reached: Promise<void> }, answer: Promise<request.Response>) =>
    Promise.race([
      held.reached,
      answer.then((response) => {
        throw new Error(`answered ${response.status} ${JSON.stringify(response.body)} first`);
      }),
    ]);

  /** Sends the write, blocks its pseudonym while it is held (at the buffer), then lets it go. */
  async function blockedAtSubmit(
    identity: Identity,
    send: () => request.Test,
    held = holdNext(app.get(WriteBuffer), 'submit'),
  ) {
    const answer = send().then((response) => response);
    await reachedBefore(held, answer);
    await block(identity).expect(201);
    held.release();
    const refused = await answer;
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'PSEUDONYM_BLOCKED', statusCode: 403 });
  }

  it('refuses a rating with 403 PSEUDONYM_BLOCKED and stores nothing', async () => {
    const rating = await prove(rater, 'rating.put', `note:${rated}`, {
      helpfulness: 'HELPFUL',
      tags: [],
    });
    await blockedAtSubmit(rater, () =>
      request(server())
        .put(`/communities/${community.slug}/notes/${rated}/rating`)
        .send(provenBody(rating)),
    );
    expect(await kept(rater)).toEqual({ waiting: 0, notes: 1, ratings: 0, requests: 0 });
  });

  it('refuses a note with 403 PSEUDONYM_BLOCKED and stores nothing', async () => {
    const note = await prove(author, 'note.create', '', {
      ...NOTE_FIELDS,
      post: { url: `https://example.com/${community.slug}/new` },
    });
    await blockedAtSubmit(author, () =>
      request(server()).post(`/communities/${community.slug}/notes`).send(provenBody(note)),
    );
    expect(await kept(author)).toEqual({ waiting: 0, notes: 1, ratings: 0, requests: 0 });
  });

  it('refuses a note request with 403 PSEUDONYM_BLOCKED and stores nothing', async () => {
    const asked = await prove(requester, 'note.request', '', {
      post: { url: `https://example.com/${community.slug}/asked` },
    });
    await blockedAtSubmit(requester, () =>
      request(server())
        .post(`/communities/${community.slug}/note-requests`)
        .send(provenBody(asked)),
    );
    expect(await kept(requester)).toEqual({ waiting: 0, notes: 1, ratings: 0, requests: 0 });
  });

  it('refuses a report with 403 PSEUDONYM_BLOCKED and stores nothing', async () => {
    const report = await prove(reporter, 'note.report', `note:${rated}`, {
      reason: 'SPAM',
      text: '',
    });
    await blockedAtSubmit(
      reporter,
      () =>
        request(server())
          .post(`/communities/${community.slug}/notes/${rated}/reports`)
          .send(provenBody(report)),
      // Stored without the buffer: held where it is stored.
      holdNext(app.get(NoteReportsStore), 'create'),
    );
    expect(await prisma.noteReport.count({ where: { noteId: rated } })).toBe(0);
  });

  // Embedded, one session runs every transaction in turn: no block can run beside a submission.
  (currentTestRun().embedded ? it.skip : it)(
    'makes a block wait for a write being buffered, which was accepted before it',
    async () => {
      const rating = await prove(locked, 'rating.put', `note:${rated}`, {
        helpfulness: 'HELPFUL',
        tags: [],
      });
      // Holds the rating's check inside its transaction, after the block was read again.
      const held = holdNext(app.get(WriteBuffer), 'waiting');
      const answer = request(server())
        .put(`/communities/${community.slug}/notes/${rated}/rating`)
        .send(provenBody(rating))
        .then((response) => response);
      await reachedBefore(held, answer);
      let blocked = false;
      const blocking = block(locked).then((response) => ((blocked = true), response));
      // The block waits for the rating's transaction, on the pseudonym's lock, until released.
      const outcome = await eventually(async () => {
        if (blocked) return 'blocked meanwhile';
        expect(await waitingOnAdvisoryLock(prisma, 27)).toBe(1);
        return 'waits';
      }).finally(held.release);
      expect(outcome).toBe('waits');
      expect((await answer).status).toBe(201);
      expect((await blocking).status).toBe(201);
      // Answered 201 before the block: durable, stored at the sealing as every accepted write.
      expect(await kept(locked)).toEqual({ waiting: 0, notes: 1, ratings: 1, requests: 0 });
    },
  );
});
