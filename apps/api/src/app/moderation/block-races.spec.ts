import type { INestApplication } from '@nestjs/common';
import { pseudonymOf } from '@bridgenotes/client';
import { NoteReportsStore, type PrismaClient } from '@bridgenotes/database';
import { emptyStanding } from '@bridgenotes/scoring';
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
import { ActionProofsService } from '../membership/action-proofs.service';
import { Sealer } from '../sealing/sealer.service';
import { WriteBuffer } from '../sealing/write-buffer.service';

/**
 * A write whose proof check passed (the pseudonym not blocked yet) and which then waits to be
 * buffered (a deletion too; behind a sealing, other submissions) or stored (a report, an invite
 * code) takes no write of a pseudonym a moderator blocked meanwhile: refused as a blocked pseudonym's
 * write is (docs/moderation.md). Writes are sealed by hand, one member enough for a batch. Each
 * writer has a note stored, so it acted in the community and may be blocked.
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
    createIdentity(),
    createIdentity(),
  ];
  const [rater, author, requester, locked, reporter, deleter, lockedDeleter] = writers;
  let rated: string;
  /** Each writer's stored note. */
  const stored = new Map<Identity, string>();
  const server = () => app.getHttpServer();
  const pseudonym = (identity: Identity, on = community) => pseudonymOf(identity, on.scope);

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
      stored.set(writer, id);
      // Rated by the others: the author's.
      if (writer === author) rated = id;
    }
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
    await prisma.$disconnect();
  });

  const block = (identity: Identity, on = community) =>
    request(server())
      .post(`/communities/${on.slug}/moderation/actions`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ action: 'BLOCK', pseudonym: pseudonym(identity, on), reasonCode: 'SPAM' });

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

  /**
   * Sends the write, blocks its pseudonym (in `on`) while it is held (at the buffer, unless told
   * where), then lets it go.
   */
  async function blockedAtSubmit(
    identity: Identity,
    send: () => request.Test,
    held = holdNext(app.get(WriteBuffer), 'submit'),
    on = community,
  ) {
    const answer = send().then((response) => response);
    await reachedBefore(held, answer);
    await block(identity, on).expect(201);
    held.release();
    const refused = await answer;
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'PSEUDONYM_BLOCKED', statusCode: 403 });
  }

  /**
   * Sends the write, held inside its transaction (after the block was read again), blocks its
   * pseudonym, and releases the write once the block waits for it on the pseudonym's lock: the
   * answers of both.
   */
  async function blockWaitingFor(
    identity: Identity,
    send: () => request.Test,
    held: ReturnType<typeof holdNext>,
  ) {
    const answer = send().then((response) => response);
    await reachedBefore(held, answer);
    let blocked = false;
    const blocking = block(identity).then((response) => ((blocked = true), response));
    const outcome = await eventually(async () => {
      if (blocked) return 'blocked meanwhile';
      expect(await waitingOnAdvisoryLock(prisma, 27)).toBe(1);
      return 'waits';
    }).finally(held.release);
    expect(outcome).toBe('waits');
    return { answer: await answer, blocking: await blocking };
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

  /** The proven deletion of the identity's stored note: its request, to send. */
  async function deletionOf(identity: Identity) {
    const id = stored.get(identity) as string;
    const deletion = await prove(identity, 'note.delete', `note:${id}`, {});
    return {
      id,
      send: () =>
        request(server())
          .delete(`/communities/${community.slug}/notes/${id}`)
          .send(provenBody(deletion)),
    };
  }

  /** How many rescorings a deletion asked for in the community. */
  const deletions = () =>
    prisma.scoringEvent.count({ where: { communityId: community.id, kind: 'note.deleted' } });

  it('refuses a deletion with 403 PSEUDONYM_BLOCKED and deletes nothing', async () => {
    const { id, send } = await deletionOf(deleter);
    const before = await deletions();
    // Held just after its proof check, before its submission.
    await blockedAtSubmit(
      deleter,
      send,
      holdNext(app.get(ActionProofsService), 'verify', 'return'),
    );
    expect(
      await prisma.note.findUniqueOrThrow({
        where: { id },
        select: { deletedAt: true, deleteProof: true },
      }),
    ).toEqual({ deletedAt: null, deleteProof: null });
    expect(await deletions()).toBe(before);
  });

  it('refuses an invite code with 403 PSEUDONYM_BLOCKED and writes neither code nor count', async () => {
    const inviter = createIdentity();
    const inviting = await communityWithMembers(app, [inviter], 'INVITE', { inviteQuota: 1 });
    const actor = pseudonym(inviter, inviting);
    // Acted there (so it may be blocked), and with the standing an invite needs.
    const post = await prisma.post.create({
      data: { canonicalUrl: `https://example.com/${inviting.slug}/inviter` },
    });
    await prisma.note.create({
      data: { ...NOTE_FIELDS, communityId: inviting.id, postId: post.id, authorPseudonym: actor },
    });
    const run = await prisma.scoringRun.create({
      data: { communityId: inviting.id, status: 'SUCCEEDED' },
    });
    await prisma.pseudonymStanding.create({
      data: {
        ...emptyStanding(actor),
        communityId: inviting.id,
        runId: run.id,
        ratingImpact: 1,
        successfulRatings: 1,
      },
    });
    const invite = await (await prover(app, inviting))(inviter, 'invite.create', '', { n: 1 });
    await blockedAtSubmit(
      inviter,
      () =>
        request(server())
          .post(`/communities/${inviting.slug}/invites/member`)
          .send(provenBody(invite)),
      holdNext(app.get(ActionProofsService), 'verifyWithRoot', 'return'),
      inviting,
    );
    const where = { where: { communityId: inviting.id } };
    expect(await prisma.inviteQuotaUse.count(where)).toBe(0);
    expect(await prisma.inviteCode.count(where)).toBe(0);
  });

  // Embedded, one session runs every transaction in turn: no block can run beside a submission.
  (currentTestRun().embedded ? it.skip : it)(
    'makes a block wait for a deletion being stored, which was accepted before it',
    async () => {
      const { id, send } = await deletionOf(lockedDeleter);
      // Held in its transaction, after the block was read again (a deletion is buffered too).
      const held = holdNext(app.get(WriteBuffer), 'waiting');
      const { answer, blocking } = await blockWaitingFor(lockedDeleter, send, held);
      expect(answer.status).toBe(200);
      expect(blocking.status).toBe(201);
      // Answered before the block: durable, stored at the sealing as every accepted write.
      await app.get(Sealer).sealDue();
      expect(
        (await prisma.note.findUniqueOrThrow({ where: { id }, select: { deletedAt: true } }))
          .deletedAt,
      ).not.toBeNull();
    },
  );

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
      const { answer, blocking } = await blockWaitingFor(
        locked,
        () =>
          request(server())
            .put(`/communities/${community.slug}/notes/${rated}/rating`)
            .send(provenBody(rating)),
        held,
      );
      expect(answer.status).toBe(201);
      expect(blocking.status).toBe(201);
      // Answered 201 before the block: durable, stored at the sealing as every accepted write.
      expect(await kept(locked)).toEqual({ waiting: 0, notes: 1, ratings: 1, requests: 0 });
    },
  );
});
