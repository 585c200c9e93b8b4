import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import { nextRatingMinute } from '@bridgenotes/protocol';
import request from 'supertest';

import { createTestPrisma, SHAPED_PROOF } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp } from '../../testing/test-app';

const MINUTE = 60_000;
const POST = { url: 'https://Example.com/story?id=7&utm_source=feed#comments' };
const NOTE = {
  post: POST,
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'Only cars are affected; the footpath stays open, see https://example.org/notice',
  sources: ['https://example.org/notice'],
};

/** The request body of a proven write: the action's payload fields, its minute and its proof. */
const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

/**
 * The whole flow with real proofs: a member writes a note, others rate it and change their
 * rating, the author deletes it. Proofs are made once in `beforeAll` (about 1.5 s each).
 */
describe('notes and ratings', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let other: TestCommunity;
  const [author, rater, second] = [createIdentity(), createIdentity(), createIdentity()];
  const proofs = {} as Record<
    | 'note'
    | 'rating'
    | 'newerRating'
    | 'changedRating'
    | 'selfRating'
    | 'secondRating'
    | 'deleteByOther'
    | 'delete',
    ProvenAction
  >;
  let noteId: string;
  const server = () => app.getHttpServer();
  const events = () => prisma.scoringEvent.count({ where: { communityId: community.id } });

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [author, rater, second]);
    other = await communityWithMembers(app, [rater]);
    const prove = await prover(app, community);
    const now = Date.now();

    proofs.note = await prove(author, 'note.create', '', NOTE);
    const created = await request(server())
      .post(`/communities/${community.slug}/notes`)
      .send(body(proofs.note))
      .expect(201);
    noteId = created.body.id;

    const target = `note:${noteId}`;
    proofs.rating = await prove(
      rater,
      'rating.put',
      target,
      { helpfulness: 'HELPFUL', tags: ['CLEAR'] },
      new Date(now - MINUTE),
    );
    proofs.newerRating = await prove(
      rater,
      'rating.put',
      target,
      { helpfulness: 'NOT_HELPFUL', tags: ['INCORRECT'] },
      new Date(now),
    );
    // The member changes its mind within the minute of `newerRating`: the next minute.
    proofs.changedRating = await prove(
      rater,
      'rating.put',
      target,
      { helpfulness: 'SOMEWHAT_HELPFUL', tags: [] },
      new Date(nextRatingMinute(now, proofs.newerRating.action.clientMinute) * MINUTE),
    );
    proofs.selfRating = await prove(author, 'rating.put', target, {
      helpfulness: 'HELPFUL',
      tags: [],
    });
    proofs.secondRating = await prove(second, 'rating.put', target, {
      helpfulness: 'SOMEWHAT_HELPFUL',
      tags: ['CLEAR', 'OUTDATED'],
    });
    proofs.deleteByOther = await prove(second, 'note.delete', target, {});
    proofs.delete = await prove(author, 'note.delete', target, {});
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const rate = (proven: ProvenAction, slug = community.slug) =>
    request(server()).put(`/communities/${slug}/notes/${noteId}/rating`).send(body(proven));

  it("stored the note under the canonical post, authored by the proof's pseudonym, needing ratings", async () => {
    const note = await request(server())
      .get(`/communities/${community.slug}/notes/${noteId}`)
      .expect(200);
    expect(note.body).toMatchObject({
      authorPseudonym: proofs.note.proof.nullifier,
      status: 'NEEDS_MORE_RATINGS',
      classification: NOTE.classification,
      text: NOTE.text,
    });
    const post = await request(server())
      .get('/posts')
      .query({ url: 'https://example.com:443/story?fbclid=abc&id=7', community: community.slug })
      .expect(200);
    expect(post.body.post.url).toBe('https://example.com/story?id=7');
    expect(post.body.notes.map((listed: { id: string }) => listed.id)).toEqual([noteId]);
  });

  it('answers a replayed note with the existing note instead of a copy', async () => {
    const replay = await request(server())
      .post(`/communities/${community.slug}/notes`)
      .send(body(proofs.note))
      .expect(200);
    expect(replay.body.id).toBe(noteId);
    expect(await prisma.note.count({ where: { communityId: community.id } })).toBe(1);
  });

  it('takes a rating, replaces it with a later one, and refuses the older one again', async () => {
    const before = await events();
    expect((await rate(proofs.rating).expect(201)).body).toMatchObject({
      raterPseudonym: proofs.rating.proof.nullifier,
      helpfulness: 'HELPFUL',
    });
    expect((await rate(proofs.newerRating).expect(200)).body).toMatchObject({
      helpfulness: 'NOT_HELPFUL',
      tags: ['INCORRECT'],
    });
    expect((await rate(proofs.newerRating).expect(200)).body.helpfulness).toBe('NOT_HELPFUL');
    // The older choice loses, and the answer says which minute the member's next choice needs.
    const outdated = await rate(proofs.rating).expect(409);
    expect(outdated.body).toMatchObject({
      code: 'RATING_OUTDATED',
      details: { storedClientMinute: proofs.newerRating.action.clientMinute },
    });
    expect(outdated.body.message).toContain(
      `clientMinute ${proofs.newerRating.action.clientMinute + 1}`,
    );
    expect(await prisma.rating.count({ where: { noteId } })).toBe(1);
    expect(await events()).toBe(before + 2);
  });

  it('lets the latest choice win within the same minute: the next minute after the stored one', async () => {
    const stored = await prisma.rating.findFirstOrThrow({
      where: { noteId, raterPseudonym: proofs.rating.proof.nullifier },
    });
    expect(proofs.changedRating.action.clientMinute).toBe(stored.clientMinute + 1);
    expect((await rate(proofs.changedRating).expect(200)).body).toMatchObject({
      helpfulness: 'SOMEWHAT_HELPFUL',
      clientMinute: stored.clientMinute + 1,
    });
  });

  // Fifty proof verifications: long on a busy machine, on PGlite above all.
  it('stores exactly one rating from 50 concurrent submissions of the same rating', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => rate(proofs.secondRating)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    expect(
      await prisma.rating.count({
        where: { noteId, raterPseudonym: proofs.secondRating.proof.nullifier },
      }),
    ).toBe(1);
  });

  it('refuses an author rating its own note', async () => {
    expect((await rate(proofs.selfRating).expect(403)).body.code).toBe('SELF_RATING');
  });

  it("refuses a rating sent through another community's route", async () => {
    expect((await rate(proofs.newerRating, other.slug).expect(404)).body.code).toBe(
      'NOTE_NOT_FOUND',
    );
  });

  it('refuses a changed rating payload under a valid proof, writing nothing', async () => {
    const before = await prisma.rating.findMany({ where: { noteId } });
    const forged = { ...body(proofs.newerRating), helpfulness: 'HELPFUL', tags: ['CLEAR'] };
    const response = await request(server())
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(forged)
      .expect(400);
    expect(response.body.code).toBe('PROOF_MESSAGE');
    expect(await prisma.rating.findMany({ where: { noteId } })).toEqual(before);
  });

  it('lets only the author delete the note, which stays in the data with its ratings', async () => {
    const refused = await request(server())
      .delete(`/communities/${community.slug}/notes/${noteId}`)
      .send(body(proofs.deleteByOther))
      .expect(403);
    expect(refused.body.code).toBe('NOT_AUTHOR');

    const deleted = await request(server())
      .delete(`/communities/${community.slug}/notes/${noteId}`)
      .send(body(proofs.delete))
      .expect(200);
    expect(deleted.body.deletedAt).not.toBeNull();
    expect(await prisma.rating.count({ where: { noteId } })).toBe(2);
    expect((await rate(proofs.newerRating).expect(409)).body.code).toBe('NOTE_DELETED');
    // Other suites write on the same post in their own communities: look at this one's notes.
    const post = await request(server())
      .get('/posts')
      .query({ url: POST.url, community: community.slug })
      .expect(200);
    expect(post.body.notes).toEqual([]);
  });

  describe('bad input: a clear 400 and nothing written', () => {
    const attempt = (changes: Record<string, unknown>) =>
      request(server())
        .post(`/communities/${community.slug}/notes`)
        .send({ ...NOTE, clientMinute: 1, proof: SHAPED_PROOF, ...changes });

    it.each<[string, Record<string, unknown>, string]>([
      ['reasons of the other side', { reasons: ['FACTUALLY_CORRECT'] }, 'REASONS_INVALID'],
      ['no reasons', { reasons: [] }, 'REASONS_INVALID'],
      ['text over 280 characters', { text: 'x'.repeat(281) }, 'TEXT_INVALID'],
      ['a misleading note without sources', { sources: [] }, 'SOURCES_REQUIRED'],
      ['a non-http source', { sources: ['javascript:alert(1)'] }, 'SOURCES_INVALID'],
      ['a non-http post URL', { post: { url: 'ftp://example.com/x' } }, 'POST_URL_INVALID'],
      [
        'both a URL and a platform id',
        { post: { url: 'https://example.com/', platform: 'x', externalId: '1' } },
        'POST_REF_INVALID',
      ],
      ['an unknown field', { rating: 5 }, 'VALIDATION_FAILED'],
      ['no post', { post: undefined }, 'VALIDATION_FAILED'],
      ['an unknown classification', { classification: 'TRUE' }, 'VALIDATION_FAILED'],
      ['a proof with a foreign scope', {}, 'PROOF_SCOPE'],
      ['a null post URL', { post: { url: null } }, 'POST_REF_INVALID'],
      ['a null platform id', { post: { platform: 'x', externalId: null } }, 'POST_REF_INVALID'],
    ])('%s', async (_, changes, code) => {
      const before = await prisma.note.count();
      const response = await attempt(changes).expect(400);
      expect(response.body.code).toBe(code);
      expect(await prisma.note.count()).toBe(before);
    });

    it('counts each URL in a note as one character', async () => {
      const text = `${'y'.repeat(270)} https://example.org/${'long-path/'.repeat(20)}`;
      // Past the length check, the fake proof is what fails.
      expect((await attempt({ text }).expect(400)).body.code).toBe('PROOF_SCOPE');
    });
  });
});
