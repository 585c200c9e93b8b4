import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { NOTE_FIELDS } from '../../testing/fixtures';
import { holdNext } from '../../testing/hold';
import {
  createIdentity,
  provenBody,
  type prover,
  sealedByHandCommunity,
  storedNote as storedNoteOf,
  TestCommunity,
} from '../../testing/members';
import { OPERATOR_KEY } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';
import { PostsService } from './posts.service';

const K = 2;

/**
 * A note's deletion is a proven write like the others (docs/threat-model.md): it waits in the
 * write buffer and is stored, with the rescoring it asks for, by the batch that seals it, among
 * at least K members' writes. Its rescoring request is the batch's, so the scoring run it starts
 * (whose `requestedAt` is public, to the millisecond) tells the batch's time, not the deletion's.
 * Writes are sealed by hand.
 */
describe('a note deletion sealed in a batch', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let prove: Awaited<ReturnType<typeof prover>>;
  const [author, rater] = [createIdentity(), createIdentity()];
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    ({ app, prisma, community, prove } = await sealedByHandCommunity(K, [author, rater]));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
    await prisma.$disconnect();
  });

  /** A stored note of the author's; its id. */
  const storedNote = (path: string) =>
    storedNoteOf(prisma, community, author, `https://example.com/${community.slug}/${path}`);

  /** The author's proven deletion of the note, and how to send it. */
  async function deletionOf(id: string) {
    const proven = await prove(author, 'note.delete', `note:${id}`, {});
    const send = () =>
      request(server())
        .delete(`/communities/${community.slug}/notes/${id}`)
        .send(provenBody(proven));
    return { proven, send, at: new Date(proven.action.clientMinute * 60_000).toISOString() };
  }

  /** The rater's proven rating of the note (at `at`, else now), sent; `body` sends it again. */
  async function rate(id: string, at?: Date) {
    const proven = await prove(
      rater,
      'rating.put',
      `note:${id}`,
      { helpfulness: 'HELPFUL', tags: [] },
      at,
    );
    const body = provenBody(proven);
    const send = () =>
      request(server()).put(`/communities/${community.slug}/notes/${id}/rating`).send(body);
    return Object.assign(await send(), { send });
  }

  const waitingDeletions = async () =>
    (
      await prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM write_buffer
         WHERE community_id = ${community.id}::uuid AND kind = 'deletion'`
    )[0]?.count;

  const stored = (id: string) =>
    prisma.note.findUniqueOrThrow({
      where: { id },
      select: { deletedAt: true, deleteProof: true, hidden: true },
    });

  /** A note's stored fields once `deletion` is stored, hidden or not. */
  const deletedBy = (deletion: Awaited<ReturnType<typeof deletionOf>>, hidden: boolean) => ({
    deletedAt: new Date(deletion.at),
    deleteProof: deletion.proven.proof,
    hidden,
  });

  /** A moderator's action on the note. */
  const moderate = (noteId: string, action: 'HIDE' | 'REDACT') =>
    request(server())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ action, noteId, reasonCode: action === 'HIDE' ? 'SPAM' : 'PERSONAL_DATA' });

  /** The transactions that wrote the community's rescoring requests of a kind. */
  const requestsOf = (kind: string) =>
    prisma.$queryRaw<{ xmin: string }[]>`
      SELECT xmin::text FROM scoring_events
       WHERE community_id = ${community.id}::uuid AND kind = ${kind}`;

  it('is answered as it will be stored, waits, and is stored by the batch with its rescoring', async () => {
    const deleted = await storedNote('deleted');
    const other = await storedNote('other');
    const deletion = await deletionOf(deleted);

    const answer = await deletion.send().expect(200);
    expect(answer.body).toMatchObject({ id: deleted, deletedAt: deletion.at });
    // Nothing stored yet, and no rescoring asked for: the deletion waits for its batch.
    expect(await stored(deleted)).toEqual({ deletedAt: null, deleteProof: null, hidden: false });
    expect(await requestsOf('note.deleted')).toEqual([]);
    expect(await waitingDeletions()).toBe(1);
    // Read as before until sealed, as a new note is not read before its batch.
    const read = await request(server())
      .get(`/communities/${community.slug}/notes/${deleted}`)
      .expect(200);
    expect(read.body.deletedAt).toBeNull();

    // Sent again: the same answer, one deletion waiting.
    expect((await deletion.send().expect(200)).body).toMatchObject({ deletedAt: deletion.at });
    expect(await waitingDeletions()).toBe(1);
    // Answered: the note takes no new rating, as a deleted one.
    const refused = await rate(deleted);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'NOTE_DELETED' });

    // One member waits: fewer than K.
    expect(await app.get(Sealer).sealDue()).toBe(0);
    expect(await stored(deleted)).toMatchObject({ deletedAt: null });

    expect((await rate(other)).status).toBe(201);
    expect(await app.get(Sealer).sealDue()).toBe(2);
    expect(await stored(deleted)).toEqual(deletedBy(deletion, false));
    expect(await waitingDeletions()).toBe(0);
    // One rescoring request, written by the batch's transaction, as the rating's.
    const [rating] = await prisma.$queryRaw<{ xmin: string }[]>`
      SELECT xmin::text FROM ratings WHERE note_id = ${other}::uuid`;
    expect(await requestsOf('note.deleted')).toEqual([rating]);

    // Sent again once stored: the stored note, and nothing more asked for.
    expect((await deletion.send().expect(200)).body).toMatchObject({ deletedAt: deletion.at });
    expect(await requestsOf('note.deleted')).toHaveLength(1);
    expect(await app.get(Sealer).sealDue()).toBe(0);
  });

  it('is stored though a moderator hid the note after it was answered', async () => {
    const hidden = await storedNote('hidden-after');
    const other = await storedNote('other-after');
    const deletion = await deletionOf(hidden);
    await deletion.send().expect(200);
    await moderate(hidden, 'HIDE').expect(201);
    expect((await rate(other)).status).toBe(201);
    expect(await app.get(Sealer).sealDue()).toBe(2);
    expect(await stored(hidden)).toEqual(deletedBy(deletion, true));
  });

  // Embedded, one session runs every transaction in turn: no redaction can run beside a batch.
  (currentTestRun().embedded ? it.skip : it)(
    'and a redaction of the note while the batch is being stored both go through',
    async () => {
      const redacted = await storedNote('redacted-during');
      const deletion = await deletionOf(redacted);
      await deletion.send().expect(200);
      // The other member of the batch: a note on a new post, whose upsert holds the batch after
      // it took its batch number and before it stores the deletion.
      const note = await prove(rater, 'note.create', '', {
        ...NOTE_FIELDS,
        post: { url: `https://example.com/${community.slug}/new-during` },
      });
      await request(server())
        .post(`/communities/${community.slug}/notes`)
        .send(provenBody(note))
        .expect(201);
      const held = holdNext(app.get(PostsService), 'upsert');
      const sealed = app.get(Sealer).sealDue();
      await held.reached;
      const redaction = moderate(redacted, 'REDACT').then((response) => response);
      // The redaction waits for the batch (on its number), holding nothing the batch needs.
      await eventually(async () => {
        const [row] = await prisma.$queryRaw<{ count: number }[]>`
          SELECT count(*)::int AS count FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        expect(row?.count).toBe(1);
      }).finally(held.release);
      expect(await sealed).toBe(2);
      expect((await redaction).status).toBe(201);
      expect(
        await prisma.note.findUniqueOrThrow({
          where: { id: redacted },
          select: { deletedAt: true, redacted: true, text: true },
        }),
      ).toEqual({ deletedAt: new Date(deletion.at), redacted: true, text: '' });
    },
  );

  // Last: its deletion is left waiting.
  it('is not told by a replayed rating proof while it waits: only a newer rating learns of it', async () => {
    const note = await storedNote('replayed');
    const other = await storedNote('other-replayed');
    const sealed = await rate(note);
    expect(sealed.status).toBe(201);
    // The batch that stores the rating: the author's deletion of another note beside it.
    await (await deletionOf(other)).send().expect(200);
    expect(await app.get(Sealer).sealDue()).toBe(2);
    expect(await prisma.rating.count({ where: { noteId: note } })).toBe(1);
    const deletion = await deletionOf(note);
    await deletion.send().expect(200);

    // Anyone may replay the exported proof within its minute's skew: answered by the stored
    // rating alone, as before the deletion, so the answer does not date the deletion.
    const replayed = await sealed.send();
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(sealed.body);
    // The rater's own newer choice would be buffered: the note takes it no more.
    const newer = await rate(note, new Date((sealed.body.clientMinute + 1) * 60_000));
    expect(newer.status).toBe(409);
    expect(newer.body).toMatchObject({ code: 'NOTE_DELETED' });
  });
});
