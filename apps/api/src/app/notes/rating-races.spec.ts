import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { holdNext, waitingOnAdvisoryLock } from '../../testing/hold';
import {
  createIdentity,
  provenBody,
  type prover,
  sealedByHandCommunity,
  storedNote as storedNoteOf,
  TestCommunity,
} from '../../testing/members';
import { OPERATOR_KEY } from '../../testing/test-app';
import { ActionProofsService } from '../membership/action-proofs.service';
import { Sealer } from '../sealing/sealer.service';
import { WriteBuffer } from '../sealing/write-buffer.service';

/**
 * A note its author deletes, or a moderator hides, while a rating of it has its proof checked
 * (seconds, in a queue) takes no new rating (docs/protocol.md, docs/moderation.md); one hidden
 * while its deletion's proof is checked is not deleted. Writes are sealed by hand, one member
 * enough for a batch.
 */
describe('a note taken back while a rating or deletion of it has its proof checked', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let prove: Awaited<ReturnType<typeof prover>>;
  const [author, rater] = [createIdentity(), createIdentity()];
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    ({ app, prisma, community, prove } = await sealedByHandCommunity(1, [author, rater]));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
    await prisma.$disconnect();
  });

  /** A stored note of the author's; its id. */
  const storedNote = (path: string) =>
    storedNoteOf(prisma, community, author, `https://example.com/${path}`);

  /** A stored note with the rater's proven rating of it. */
  async function ratedNote(path: string) {
    const id = await storedNote(path);
    const rating = await prove(rater, 'rating.put', `note:${id}`, {
      helpfulness: 'HELPFUL',
      tags: [],
    });
    const rate = () =>
      request(server())
        .put(`/communities/${community.slug}/notes/${id}/rating`)
        .send(provenBody(rating));
    const ratings = () => prisma.rating.count({ where: { noteId: id } });
    return { id, rate, ratings };
  }

  /** The author's proven deletion of a note: its request, to send. */
  async function deletionOf(id: string) {
    const deletion = await prove(author, 'note.delete', `note:${id}`, {});
    return () =>
      request(server())
        .delete(`/communities/${community.slug}/notes/${id}`)
        .send(provenBody(deletion));
  }

  /** A rated note with its author's proven deletion too, for the cases that send one. */
  async function deletableNote(path: string) {
    const note = await ratedNote(path);
    return { ...note, remove: await deletionOf(note.id) };
  }

  /** Rates the note while `takeBack` runs during its proof check; the answer. */
  async function rateWhile(note: { rate: () => request.Test }, takeBack: () => Promise<unknown>) {
    const held = holdNext(app.get(ActionProofsService), 'verify');
    const answer = note.rate().then((response) => response);
    await held.reached;
    await takeBack();
    held.release();
    return answer;
  }

  it('refuses a rating with 409 NOTE_DELETED when the author deleted the note meanwhile', async () => {
    const note = await deletableNote('deleted');
    const answer = await rateWhile(note, () => note.remove().expect(200));
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'NOTE_DELETED' });
    await app.get(Sealer).sealDue();
    expect(await note.ratings()).toBe(0);
  });

  /** A moderator's hide (or restore) of the note, answered 201. */
  const moderate = (noteId: string, action: 'HIDE' | 'RESTORE') =>
    request(server())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ action, noteId, reasonCode: action === 'HIDE' ? 'SPAM' : 'REVIEWED' })
      .expect(201);

  it('refuses a rating with 404 NOTE_NOT_FOUND when a moderator hid the note meanwhile', async () => {
    const note = await ratedNote('hidden');
    const answer = await rateWhile(note, () => moderate(note.id, 'HIDE'));
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'NOTE_NOT_FOUND' });
    await app.get(Sealer).sealDue();
    expect(await note.ratings()).toBe(0);
  });

  // Embedded, one session runs every transaction in turn: no deletion can run beside a check.
  (currentTestRun().embedded ? it.skip : it)(
    'makes a deletion wait for a rating being buffered, which is then stored',
    async () => {
      const note = await deletableNote('locked');
      // Holds the rating's check inside its transaction, after the note was read again.
      const held = holdNext(app.get(WriteBuffer), 'waiting');
      const rating = note.rate().then((response) => response);
      await held.reached;
      let deleted = false;
      const deletion = note.remove().then((response) => ((deleted = true), response));
      // The deletion waits for the rating's transaction, on the note's change lock, until released.
      const outcome = await eventually(async () => {
        if (deleted) return 'deleted meanwhile';
        expect(await waitingOnAdvisoryLock(prisma, 26)).toBe(1);
        return 'waits';
      }).finally(held.release);
      expect(outcome).toBe('waits');
      expect((await rating).status).toBe(201);
      expect((await deletion).status).toBe(200);
      await app.get(Sealer).sealDue();
      expect(await note.ratings()).toBe(1);
    },
  );

  // Embedded, one session runs every transaction in turn: nothing else is open beside a rating.
  (currentTestRun().embedded ? it.skip : it)(
    "buffers a rating while a publication holds the note's row",
    async () => {
      const note = await ratedNote('published');
      // The scoring publisher updates every scored note of the community in one transaction: one
      // left open here, as a long publication would be, must not hold the community's ratings.
      const publication = createTestPrisma();
      let publish = () => undefined as void;
      const published = new Promise<void>((resolve) => (publish = resolve));
      let updated = () => undefined as void;
      const holding = new Promise<void>((resolve) => (updated = resolve));
      const open = publication.$transaction(
        async (tx) => {
          await tx.$executeRaw`UPDATE notes SET status = status WHERE id = ${note.id}::uuid`;
          updated();
          await published;
        },
        { timeout: 600_000 },
      );
      try {
        await holding;
        // A rating waiting for the publication's row would wait for ever: bounded, it fails here
        // with its reason, and the publication still ends below.
        const answer = await note
          .rate()
          .timeout(PATIENCE_MS)
          .catch((error: Error) => {
            throw new Error(`the rating waited on the open publication: ${error.message}`);
          });
        expect(answer.status).toBe(201);
      } finally {
        publish();
        await open;
        await publication.$disconnect();
      }
      await app.get(Sealer).sealDue();
      expect(await note.ratings()).toBe(1);
    },
  );

  it('stores a rating answered before the deletion, though sealed after it', async () => {
    const note = await deletableNote('kept');
    await note.rate().expect(201);
    await note.remove().expect(200);
    expect(await note.ratings()).toBe(0);
    await app.get(Sealer).sealDue();
    expect(await note.ratings()).toBe(1);
  });

  describe('a deletion of a note a moderator hid', () => {
    const deletions = () =>
      prisma.scoringEvent.count({ where: { communityId: community.id, kind: 'note.deleted' } });

    /**
     * Answered as a hidden note is, not found, and the note left as it was: not deleted, no
     * rescoring asked for. Restored, the same deletion deletes it.
     */
    async function expectNotDeleted(
      id: string,
      remove: () => request.Test,
      answer: request.Response,
      deletionsBefore: number,
    ) {
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'NOTE_NOT_FOUND' });
      expect(
        await prisma.note.findUniqueOrThrow({
          where: { id },
          select: { deletedAt: true, deleteProof: true },
        }),
      ).toEqual({ deletedAt: null, deleteProof: null });
      expect(await deletions()).toBe(deletionsBefore);
      await moderate(id, 'RESTORE');
      expect((await remove().expect(200)).body.deletedAt).not.toBeNull();
    }

    it('answers 404 NOTE_NOT_FOUND and deletes nothing', async () => {
      const id = await storedNote('hidden-before-deletion');
      const remove = await deletionOf(id);
      await moderate(id, 'HIDE');
      const before = await deletions();
      await expectNotDeleted(id, remove, await remove(), before);
    });

    it('answers the same when the hide commits while the deletion has its proof checked', async () => {
      const id = await storedNote('hidden-during-deletion');
      const remove = await deletionOf(id);
      const before = await deletions();
      // The deletion read the note shown; it stops in its proof check, before its transaction.
      const held = holdNext(app.get(ActionProofsService), 'verify');
      const answer = remove().then((response) => response);
      await held.reached;
      await moderate(id, 'HIDE');
      held.release();
      await expectNotDeleted(id, remove, await answer, before);
    });
  });
});
