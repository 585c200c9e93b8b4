// One file for moderation through the API: reports with real proofs, moderator keys, the queue,
// actions and their refusals, and the public log. The cases share one community and proofs
// made once in beforeAll (each proof takes seconds on a busy machine).
import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import { NoteReportsStore, type PrismaClient } from '@bridgenotes/database';
import { checkModerationChain, type ModerationLogEntry } from '@bridgenotes/protocol';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

describe('moderation', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let other: TestCommunity;
  const [alice, bob] = [createIdentity(), createIdentity()];
  let noteId: string;
  let postUrl: string;
  /** A harmless note of Bob's on another post, which Alice reports and a moderator dismisses. */
  let harmlessId: string;
  const proofs = {} as Record<
    'bobReport' | 'bobReportAgain' | 'aliceRating' | 'aliceReport' | 'aliceReportHarmless',
    ProvenAction
  >;
  let keys: { mine: string; mineId: string; others: string };
  const server = () => app.getHttpServer();
  const act = (
    input: Record<string, unknown>,
    auth: Record<string, string>,
    slug = community.slug,
  ) => request(server()).post(`/communities/${slug}/moderation/actions`).set(auth).send(input);
  const logOf = async (slug = community.slug): Promise<ModerationLogEntry[]> =>
    (await request(server()).get(`/communities/${slug}/moderation/log`).expect(200)).body.items;
  const issue = async (slug: string, label: string) =>
    (
      await request(server())
        .post(`/communities/${slug}/moderator-keys`)
        .set(operator)
        .send({ label })
        .expect(201)
    ).body as { id: string; secret: string };

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [alice, bob]);
    other = await communityWithMembers(app, [bob]);
    postUrl = `https://example.com/${community.slug}/story`;
    const prove = await prover(app, community);
    /** A note of `author` on `url`, proven and written: its id. */
    const write = async (author: typeof alice, url: string, text: string, source: string) =>
      (
        await request(server())
          .post(`/communities/${community.slug}/notes`)
          .send(
            body(
              await prove(author, 'note.create', '', {
                post: { url },
                classification: 'NOT_MISLEADING',
                reasons: ['FACTUALLY_CORRECT'],
                text,
                sources: [source],
              }),
            ),
          )
          .expect(201)
      ).body.id as string;
    noteId = await write(
      alice,
      postUrl,
      'Alice Example lives at 1 Example Street.',
      'https://example.org/source',
    );
    harmlessId = await write(
      bob,
      `${postUrl}/harmless`,
      'The bridge reopens on Monday.',
      'https://example.org/bridge',
    );
    proofs.aliceReportHarmless = await prove(alice, 'note.report', `note:${harmlessId}`, {
      reason: 'SPAM',
      text: '',
    });
    const target = `note:${noteId}`;
    proofs.bobReport = await prove(bob, 'note.report', target, {
      reason: 'PERSONAL_DATA',
      text: 'A home address',
    });
    proofs.bobReportAgain = await prove(bob, 'note.report', target, { reason: 'SPAM', text: '' });
    proofs.aliceRating = await prove(alice, 'rating.put', target, {
      helpfulness: 'HELPFUL',
      tags: ['CLEAR'],
    });
    proofs.aliceReport = await prove(alice, 'note.report', target, {
      reason: 'PERSONAL_DATA',
      text: 'It still says 1 Example Street',
    });
    const mine = await issue(community.slug, 'Ana');
    keys = { mine: mine.secret, mineId: mine.id, others: (await issue(other.slug, 'Olga')).secret };
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const reportsOf = () => prisma.noteReport.count({ where: { noteId } });

  /**
   * A report of the note `id` refused 404 NOTE_NOT_FOUND: sent, and as the store takes one whose
   * proof was checked just before the note was deleted or redacted.
   */
  const expectReportRefused = async (id: string, proven: ProvenAction) => {
    const refused = await request(server())
      .post(`/communities/${community.slug}/notes/${id}/reports`)
      .send(body(proven))
      .expect(404);
    expect(refused.body.code).toBe('NOTE_NOT_FOUND');
    const late = await app.get(NoteReportsStore).create({
      communityId: community.id,
      noteId: id,
      reporterPseudonym: '4242',
      reason: 'OTHER',
      text: 'It still says 1 Example Street',
      day: new Date(),
    });
    expect(late).toBe('NOTE_GONE');
  };

  describe('reports', () => {
    const report = (input: Record<string, unknown>, id = noteId, slug = community.slug) =>
      request(server()).post(`/communities/${slug}/notes/${id}/reports`).send(input);

    it('records a proven report once per pseudonym and note, and refuses another with 409', async () => {
      const created = await report(body(proofs.bobReport)).expect(201);
      expect(created.body).toMatchObject({ noteId, reason: 'PERSONAL_DATA' });
      expect(created.body.day).toMatch(/^\d{4}-\d\d-\d\d$/);
      for (const proven of [proofs.bobReport, proofs.bobReportAgain]) {
        expect((await report(body(proven)).expect(409)).body.code).toBe('REPORT_EXISTS');
      }
      expect(await reportsOf()).toBe(1);
    });

    it('refuses an unknown note, OTHER without text, a proof of another note or community, with nothing written', async () => {
      const unknown = '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e';
      expect((await report(body(proofs.bobReport), unknown).expect(404)).body.code).toBe(
        'NOTE_NOT_FOUND',
      );
      const other_ = { ...body(proofs.bobReport), reason: 'OTHER', text: ' ' };
      expect((await report(other_).expect(400)).body.code).toBe('REPORT_TEXT_REQUIRED');
      // The proof was made for PERSONAL_DATA: the message no longer matches.
      const changed = { ...body(proofs.bobReport), reason: 'SPAM' };
      expect((await report(changed).expect(400)).body.code).toBe('PROOF_MESSAGE');
      expect(
        (await report({ ...body(proofs.bobReport), reason: 'RUDE' }).expect(400)).body.code,
      ).toBe('VALIDATION_FAILED');
      expect(await reportsOf()).toBe(1);
    });
  });

  describe('moderator keys', () => {
    it('lists ids, labels and days, never a secret or its hash; only for the operator', async () => {
      const listed = await request(server())
        .get(`/communities/${community.slug}/moderator-keys`)
        .set(operator)
        .expect(200);
      expect(listed.body).toEqual([
        {
          id: keys.mineId,
          label: 'Ana',
          createdDay: expect.stringMatching(/^\d{4}-/),
          revoked: false,
        },
      ]);
      const stored = await prisma.moderatorKey.findUniqueOrThrow({ where: { id: keys.mineId } });
      expect(stored.keyHash).not.toContain(keys.mine);
      for (const auth of [{}, bearer(keys.mine)]) {
        const refused = await request(server())
          .get(`/communities/${community.slug}/moderator-keys`)
          .set(auth)
          .expect(401);
        expect(refused.body.code).toBe('OPERATOR_KEY_INVALID');
      }
    });

    it('answers 404 for revoking a key of another community', async () => {
      const theirs = await prisma.moderatorKey.findFirstOrThrow({
        where: { communityId: other.id },
      });
      const refused = await request(server())
        .delete(`/communities/${community.slug}/moderator-keys/${theirs.id}`)
        .set(operator)
        .expect(404);
      expect(refused.body.code).toBe('MODERATOR_KEY_NOT_FOUND');
      expect(
        (await prisma.moderatorKey.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt,
      ).toBeNull();
    });
  });

  describe('the queue', () => {
    it('shows reported notes with their status and counts per reason to the moderator', async () => {
      const queue = await request(server())
        .get(`/communities/${community.slug}/moderation/reports`)
        .set(bearer(keys.mine))
        .expect(200);
      expect(queue.body.items).toEqual([
        expect.objectContaining({
          note: expect.objectContaining({
            id: noteId,
            status: 'NEEDS_MORE_RATINGS',
            hidden: false,
          }),
          reportCount: 1,
          reasons: { PERSONAL_DATA: 1 },
          texts: ['A home address'],
        }),
      ]);
      expect(queue.body.nextCursor).toBeNull();
    });

    it("refuses no key, a wrong key and another community's moderator", async () => {
      for (const auth of [{}, bearer('bnmod_wrong'), bearer(keys.others)]) {
        const refused = await request(server())
          .get(`/communities/${community.slug}/moderation/reports`)
          .set(auth)
          .expect(401);
        expect(refused.body.code).toBe('MODERATOR_KEY_INVALID');
      }
    });
  });

  describe('actions', () => {
    it('refuses wrong keys, bad targets and unknown notes with nothing logged or changed', async () => {
      const hide = { action: 'HIDE', noteId, reasonCode: 'PERSONAL_DATA' };
      for (const auth of [{}, bearer('bnmod_wrong'), bearer(keys.others)]) {
        expect((await act(hide, auth).expect(401)).body.code).toBe('MODERATOR_KEY_INVALID');
      }
      // The other community's key on its own community: the note is not there.
      expect((await act(hide, bearer(keys.others), other.slug).expect(404)).body.code).toBe(
        'NOTE_NOT_FOUND',
      );
      const unknown = { ...hide, noteId: '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e' };
      expect((await act(unknown, bearer(keys.mine)).expect(404)).body.code).toBe('NOTE_NOT_FOUND');
      const both = { ...hide, pseudonym: '12345' };
      expect((await act(both, bearer(keys.mine)).expect(400)).body.code).toBe(
        'MODERATION_TARGET_INVALID',
      );
      const block = { action: 'BLOCK', noteId, reasonCode: 'SPAM' };
      expect((await act(block, bearer(keys.mine)).expect(400)).body.code).toBe(
        'MODERATION_TARGET_INVALID',
      );
      expect((await act({ ...hide, reasonCode: 'BORED' }, operator).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect(await logOf()).toEqual([]);
      expect(await logOf(other.slug)).toEqual([]);
      const note = await prisma.note.findUniqueOrThrow({ where: { id: noteId } });
      expect(note).toMatchObject({ hidden: false, redacted: false });
    });

    it('hides a note from every read, refuses hiding it again, and restores it', async () => {
      const hidden = await act(
        { action: 'HIDE', noteId, reasonCode: 'PERSONAL_DATA' },
        bearer(keys.mine),
      ).expect(201);
      expect(hidden.body).toMatchObject({
        seq: 1,
        action: 'HIDE',
        target: `note:${noteId}`,
        moderatorKeyId: keys.mineId,
        message: null,
      });
      await request(server()).get(`/communities/${community.slug}/notes/${noteId}`).expect(404);
      const post = await request(server()).get('/posts').query({ url: postUrl }).expect(200);
      expect(post.body.notes).toEqual([]);
      const profile = () =>
        request(server())
          .get(`/communities/${community.slug}/pseudonyms/${proofs.aliceRating.proof.nullifier}`)
          .expect(200);
      expect((await profile()).body).toMatchObject({ noteCount: 0, notes: [] });
      const again = await act({ action: 'HIDE', noteId, reasonCode: 'SPAM' }, operator).expect(409);
      expect(again.body.code).toBe('MODERATION_UNCHANGED');
      expect(await logOf()).toHaveLength(1);
      // An id written in capitals is the same note, logged in the one form a verifier rebuilds
      // from the stored id (the log is compared as text).
      const restore = await act(
        { action: 'RESTORE', noteId: noteId.toUpperCase(), reasonCode: 'REVIEWED' },
        operator,
      ).expect(201);
      expect(restore.body.target).toBe(`note:${noteId}`);
      const restored = await request(server()).get('/posts').query({ url: postUrl }).expect(200);
      expect(restored.body.notes.map((note: { id: string }) => note.id)).toEqual([noteId]);
      expect((await profile()).body).toMatchObject({
        noteCount: 1,
        notes: [expect.objectContaining({ id: noteId })],
      });
    });

    it('redacts a note: its text and sources go from reads for good, its proof message stays', async () => {
      const stored = await prisma.note.findUniqueOrThrow({ where: { id: noteId } });
      const redacted = await act(
        { action: 'REDACT', noteId, reasonCode: 'PERSONAL_DATA' },
        bearer(keys.mine),
      ).expect(201);
      expect(redacted.body).toMatchObject({ seq: 3, action: 'REDACT', message: stored.message });
      const read = await request(server())
        .get(`/communities/${community.slug}/notes/${noteId}`)
        .expect(200);
      expect(read.body).toMatchObject({ text: '', sources: [], redacted: true });
      const post = await request(server()).get('/posts').query({ url: postUrl }).expect(200);
      expect(JSON.stringify(post.body)).not.toContain('Example Street');
      const row = await prisma.note.findUniqueOrThrow({ where: { id: noteId } });
      expect(row).toMatchObject({ text: '', sources: [], redacted: true, message: stored.message });
      expect(row.proof).toEqual(stored.proof);
      const again = await act({ action: 'REDACT', noteId, reasonCode: 'ILLEGAL' }, operator).expect(
        409,
      );
      expect(again.body.code).toBe('MODERATION_UNCHANGED');
      expect(await logOf()).toHaveLength(3);
    });

    it('redacts what the reports said with the note, and takes no report of the redacted note', async () => {
      const texts = async () =>
        (await prisma.noteReport.findMany({ where: { noteId }, select: { text: true } })).map(
          (report) => report.text,
        );
      // Bob's report said "A home address" before the redaction.
      expect(await texts()).toEqual(['']);
      // Nor is its proof message kept: the hash of its action, text included, would confirm a
      // guess of what the report said.
      const rows = await prisma.$queryRaw<{ row: string }[]>`
        SELECT row_to_json(r)::text AS row FROM note_reports r WHERE note_id = ${noteId}::uuid`;
      expect(rows).toHaveLength(1);
      expect(rows[0].row).not.toContain(String(proofs.bobReport.proof.message));
      // A report of the redacted note is refused (the queue would never show it), and none is
      // stored.
      await expectReportRefused(noteId, proofs.aliceReport);
      expect(await texts()).toEqual(['']);
      const queue = await request(server())
        .get(`/communities/${community.slug}/moderation/reports`)
        .set(operator)
        .expect(200);
      expect(queue.body).toEqual({ items: [], nextCursor: null });
    });

    it('blocks a pseudonym: its writes are refused with a code before anything is stored', async () => {
      const pseudonym = proofs.aliceRating.proof.nullifier;
      await act({ action: 'BLOCK', pseudonym, reasonCode: 'HARASSMENT' }, operator).expect(201);
      const again = await act({ action: 'BLOCK', pseudonym, reasonCode: 'SPAM' }, operator).expect(
        409,
      );
      expect(again.body.code).toBe('MODERATION_UNCHANGED');
      const refused = await request(server())
        .put(`/communities/${community.slug}/notes/${noteId}/rating`)
        .send(body(proofs.aliceRating))
        .expect(403);
      expect(refused.body.code).toBe('PSEUDONYM_BLOCKED');
      expect(await prisma.rating.count({ where: { noteId } })).toBe(0);
      await act({ action: 'UNBLOCK', pseudonym, reasonCode: 'REVIEWED' }, operator).expect(201);
      const unblockAgain = await act(
        { action: 'UNBLOCK', pseudonym, reasonCode: 'REVIEWED' },
        operator,
      );
      expect(unblockAgain.status).toBe(409);
      // Unblocked, the same write now meets the next rule: an author does not rate her own note.
      const own = await request(server())
        .put(`/communities/${community.slug}/notes/${noteId}/rating`)
        .send(body(proofs.aliceRating))
        .expect(403);
      expect(own.body.code).toBe('SELF_RATING');
    });

    it('dismisses the open reports of a harmless note with REVIEWED, changing nothing else', async () => {
      const queue = async () =>
        (
          await request(server())
            .get(`/communities/${community.slug}/moderation/reports`)
            .set(operator)
            .expect(200)
        ).body.items.map((item: { note: { id: string } }) => item.note.id);
      const dismiss = { action: 'DISMISS', noteId: harmlessId, reasonCode: 'REVIEWED' };
      const logged = (await logOf()).length;
      // No report yet: nothing to dismiss.
      expect((await act(dismiss, operator).expect(409)).body.code).toBe('MODERATION_UNCHANGED');
      await request(server())
        .post(`/communities/${community.slug}/notes/${harmlessId}/reports`)
        .send(body(proofs.aliceReportHarmless))
        .expect(201);
      expect(await queue()).toEqual([harmlessId]);
      const before = await prisma.note.findUniqueOrThrow({ where: { id: harmlessId } });
      // A report reason would say in public that the note is what the report claimed.
      for (const reasonCode of ['SPAM', 'PERSONAL_DATA']) {
        expect((await act({ ...dismiss, reasonCode }, operator).expect(400)).body.code).toBe(
          'VALIDATION_FAILED',
        );
      }
      expect(
        (await act({ ...dismiss, noteId: undefined, pseudonym: '12345' }, operator).expect(400))
          .body.code,
      ).toBe('MODERATION_TARGET_INVALID');
      expect(await queue()).toEqual([harmlessId]);
      expect(await logOf()).toHaveLength(logged);

      const dismissed = await act(dismiss, operator).expect(201);
      expect(dismissed.body).toMatchObject({
        seq: logged + 1,
        action: 'DISMISS',
        target: `note:${harmlessId}`,
        reasonCode: 'REVIEWED',
        moderatorKeyId: 'operator',
        message: null,
      });
      expect(checkModerationChain(community.id, await logOf())).toBeUndefined();
      expect(await queue()).toEqual([]);
      expect(await prisma.noteReport.findMany({ where: { noteId: harmlessId } })).toEqual([
        expect.objectContaining({ reason: 'SPAM', handled: true }),
      ]);
      expect(await prisma.note.findUniqueOrThrow({ where: { id: harmlessId } })).toEqual(before);
      const post = await request(server())
        .get('/posts')
        .query({ url: `${postUrl}/harmless` })
        .expect(200);
      expect(post.body.notes.map((note: { id: string }) => note.id)).toEqual([harmlessId]);
      // Dismissed, the note has no open report left.
      expect((await act(dismiss, operator).expect(409)).body.code).toBe('MODERATION_UNCHANGED');
      expect(await logOf()).toHaveLength(logged + 1);

      // Reported again: the queue shows the new report's words, not those of the reports the
      // dismissal handled (an abusive text would otherwise come back with every report).
      await prisma.noteReport.updateMany({
        where: { noteId: harmlessId },
        data: { text: 'words already reviewed' },
      });
      await prisma.noteReport.create({
        data: {
          communityId: community.id,
          noteId: harmlessId,
          reporterPseudonym: '777',
          reason: 'OTHER',
          text: 'new words',
          day: new Date(),
        },
      });
      const reported = await request(server())
        .get(`/communities/${community.slug}/moderation/reports`)
        .set(operator)
        .expect(200);
      expect(reported.body.items).toEqual([
        expect.objectContaining({
          note: expect.objectContaining({ id: harmlessId }),
          reportCount: 2,
          texts: ['new words'],
        }),
      ]);

      // A note its author deleted is in no queue: there is nothing to review. (Its report is
      // opened again here only to show the refusal is not for want of one.)
      await prisma.noteReport.updateMany({
        where: { noteId: harmlessId },
        data: { handled: false },
      });
      await prisma.note.update({ where: { id: harmlessId }, data: { deletedAt: new Date() } });
      expect((await act(dismiss, operator).expect(404)).body.code).toBe('NOTE_NOT_FOUND');
      // Nor can it be reported any more: no queue would show the report.
      const reports = await prisma.noteReport.count({ where: { noteId: harmlessId } });
      await expectReportRefused(harmlessId, proofs.aliceReportHarmless);
      expect(await prisma.noteReport.count({ where: { noteId: harmlessId } })).toBe(reports);
      expect(await logOf()).toHaveLength(logged + 1);
    });

    it('refuses a revoked key', async () => {
      await request(server())
        .delete(`/communities/${community.slug}/moderator-keys/${keys.mineId}`)
        .set(operator)
        .expect(200)
        .expect((response) => expect(response.body.revoked).toBe(true));
      const refused = await act(
        { action: 'HIDE', noteId, reasonCode: 'SPAM' },
        bearer(keys.mine),
      ).expect(401);
      expect(refused.body.code).toBe('MODERATOR_KEY_INVALID');
    });
  });

  describe('the public log', () => {
    it('is served to anyone, hash-chained, and refuses to be rewritten in the database', async () => {
      const log = await logOf();
      expect(log.map((entry) => entry.action)).toEqual([
        'HIDE',
        'RESTORE',
        'REDACT',
        'BLOCK',
        'UNBLOCK',
        'DISMISS',
      ]);
      expect(checkModerationChain(community.id, log)).toBeUndefined();
      const tampered = log.map((entry, index) =>
        index === 1 ? { ...entry, reasonCode: 'SPAM' as const } : entry,
      );
      expect(checkModerationChain(community.id, tampered)).toEqual({
        seq: 2,
        problem: expect.any(String),
      });
      expect(
        checkModerationChain(
          community.id,
          log.filter((entry) => entry.seq !== 2),
        ),
      ).toBeDefined();
      await expect(
        prisma.$executeRaw`UPDATE moderation_log SET reason_code = 'SPAM' WHERE community_id = ${community.id}::uuid`,
      ).rejects.toThrow(/append-only/);
      await expect(
        prisma.$executeRaw`DELETE FROM moderation_log WHERE community_id = ${community.id}::uuid`,
      ).rejects.toThrow(/append-only/);
      const page = await request(server())
        .get(`/communities/${community.slug}/moderation/log`)
        .query({ after: 3 })
        .expect(200);
      expect(page.body).toEqual({ items: log.slice(3), nextAfter: null, nextBefore: null });
    });
  });
});
