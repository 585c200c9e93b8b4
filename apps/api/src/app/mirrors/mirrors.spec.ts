// Over 400 lines on purpose: every scenario follows the same origin and mirror instances, whose
// set-up (two apps, two databases, a proven community) is the costly part; split, each file
// would rebuild both.
import type { ProvenAction } from '@bridgenotes/client';
import { httpSource, ratingAction, verifyExport } from '@bridgenotes/open-data';
import { actionMessage, releaseCurve } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import {
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import {
  OriginAndMirror,
  pullAfterEarlierWrites,
  startOriginAndMirror,
} from '../../testing/origin-and-mirror';
import { publishScoringRun } from '../../testing/scoring';
import { OPERATOR_KEY } from '../../testing/test-app';

const NOTE = {
  post: { url: 'https://news.example/mirrored-story?utm_source=feed' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The photo is from 2019; see https://archive.example/2019',
  sources: ['https://archive.example/2019'],
};

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
type Json = Record<string, unknown>;

/**
 * Two instances in one process: the origin (the test run's database) and a mirror (a database
 * of its own), both the real API. The mirror follows a community of the origin through the
 * origin's HTTP export and the mirroring library's puller (what the worker runs); four real
 * proofs, made once.
 */
describe('mirroring a community of another instance', () => {
  let instances: OriginAndMirror;
  let community: TestCommunity;
  let mirrorId: string;
  let noteId: string;
  const ratingIds: Record<'first' | 'second', string> = { first: '', second: '' };
  let replacement: ProvenAction;
  /** The note requests members made on the noted post, by requester. */
  const requestIds: Record<'first' | 'second', string> = { first: '', second: '' };
  const [author, first, second] = [createIdentity(), createIdentity(), createIdentity()];

  beforeAll(async () => {
    instances = await startOriginAndMirror('mirror');

    community = await communityWithMembers(instances.origin, [author, first, second]);
    const prove = await prover(instances.origin, community);
    const note = await prove(author, 'note.create', '', NOTE);
    noteId = (
      await request(instances.origin.getHttpServer())
        .post(`/communities/${community.slug}/notes`)
        .send(provenBody(note))
        .expect(201)
    ).body.id;
    const earlier = new Date(Date.now() - 3 * 60_000);
    for (const [name, rater, helpfulness, tags] of [
      ['first', first, 'HELPFUL', ['CLEAR']],
      ['second', second, 'NOT_HELPFUL', ['INCORRECT']],
    ] as const) {
      const rating = await prove(
        rater,
        'rating.put',
        `note:${noteId}`,
        { helpfulness, tags: [...tags] },
        earlier,
      );
      const { raterPseudonym } = (
        await request(instances.origin.getHttpServer())
          .put(`/communities/${community.slug}/notes/${noteId}/rating`)
          .send(provenBody(rating))
          .expect(201)
      ).body;
      ratingIds[name] = (
        await instances.originDb.rating.findUniqueOrThrow({
          where: { noteId_raterPseudonym: { noteId, raterPseudonym } },
        })
      ).id;
    }
    // Two members ask for notes on the post (the URL as each shared it): it counts two.
    for (const [name, requester, url] of [
      ['first', first, 'https://news.example/mirrored-story?utm_source=feed'],
      ['second', second, 'https://news.example/mirrored-story'],
    ] as const) {
      const asked = await prove(requester, 'note.request', '', { post: { url } }, earlier);
      requestIds[name] = (
        await request(instances.origin.getHttpServer())
          .post(`/communities/${community.slug}/note-requests`)
          .send(provenBody(asked))
          .expect(201)
      ).body.id;
    }
    // Made now, sent later: the first rater changes their mind.
    replacement = await prove(first, 'rating.put', `note:${noteId}`, {
      helpfulness: 'SOMEWHAT_HELPFUL',
      tags: [],
    });
  });

  afterAll(async () => {
    await instances?.close();
    await releaseCurve();
  });

  const onMirror = () => request(instances.mirror.getHttpServer());

  it('follows a clean community: every record verified and accepted, served, verifiable again', async () => {
    const created = await onMirror()
      .post('/mirrors')
      .set(operator)
      .send({ origin: `${instances.originUrl}/`, community: community.slug })
      .expect(201);
    mirrorId = created.body.id;
    expect(created.body).toMatchObject({
      community: { id: community.id, slug: community.slug },
      origin: { url: instances.originUrl, slug: community.slug, rules: { clockSkewMinutes: 10 } },
      following: true,
    });

    const outcome = await pullAfterEarlierWrites(instances, community.slug, mirrorId);
    expect(outcome).toEqual({
      accepted: { roots: 1, members: 3, notes: 1, ratings: 2, requests: 2 },
      refused: 0,
      originRunFetched: undefined,
    });

    // Served as the origin serves it: the group, the note on its post.
    const leaves = (await onMirror().get(`/communities/${community.slug}/group/leaves`).expect(200))
      .body;
    const originLeaves = (
      await request(instances.origin.getHttpServer())
        .get(`/communities/${community.slug}/group/leaves`)
        .expect(200)
    ).body;
    expect(leaves).toEqual(originLeaves);
    const post = await onMirror()
      .get('/posts')
      .query({ url: 'https://news.example/mirrored-story', community: community.slug })
      .expect(200);
    expect(post.body.notes).toEqual([
      expect.objectContaining({ id: noteId, text: NOTE.text, ratingCount: 2 }),
    ]);
    // The posts members asked notes for, with the same counts (post row ids are each instance's).
    const [requestedHere, requestedThere] = await Promise.all(
      [instances.mirror, instances.origin].map(async (app) =>
        (
          await request(app.getHttpServer())
            .get(`/communities/${community.slug}/note-requests`)
            .expect(200)
        ).body.items.map(({ post: { id: _id, ...post }, noteCount }: Json & { post: Json }) => ({
          post,
          noteCount,
        })),
      ),
    );
    expect(requestedHere).toEqual([
      {
        post: expect.objectContaining({
          url: 'https://news.example/mirrored-story',
          requestCount: 2,
        }),
        noteCount: 1,
      },
    ]);
    expect(requestedHere).toEqual(requestedThere);
    // The same requests, record for record, each at a change batch of its own instance's.
    const exported = async (url: string) =>
      (await request(url).get(`/communities/${community.slug}/export/requests`).expect(200)).text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const { changedBatch, ...record } = JSON.parse(line) as Json;
          expect(changedBatch).toMatch(/^[0-9]+$/);
          return record;
        });
    const requestsThere = await exported(instances.originUrl);
    expect(requestsThere).toHaveLength(2);
    expect(await exported(instances.mirrorUrl)).toEqual(requestsThere);
    // And its own export verifies like the origin's: same ids, proofs and root history.
    const report = await verifyExport(httpSource(instances.mirrorUrl, community.slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 3, roots: 1, notes: 1, ratings: 2, requests: 2 },
      proofs: { checked: 5, groth16Verified: 5 },
    });
    // The scoring outbox asks this instance's worker to score what was accepted.
    expect(
      await instances.mirrorDb.scoringEvent.count({ where: { communityId: community.id } }),
    ).toBeGreaterThan(0);

    const again = await instances.puller.pull(mirrorId);
    expect(again?.accepted).toEqual({ roots: 0, members: 0, notes: 0, ratings: 0 });
  });

  it('refuses writes to the mirrored community: they belong at the origin', async () => {
    const refused = await onMirror()
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(provenBody(replacement))
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'MIRROR_READ_ONLY',
      details: { origin: instances.originUrl, community: community.slug },
    });
    // The request's own fields are judged first, as for any community (and now that the
    // community's key is remembered, its refusal is immediate): a bad body is a 400, not a 409.
    const malformed = await onMirror()
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send({ ...provenBody(replacement), unknown: true })
      .expect(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
    const join = await onMirror()
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: '12345' })
      .expect(409);
    expect(join.body.code).toBe('MIRROR_READ_ONLY');
    const invites = await onMirror()
      .post(`/communities/${community.slug}/invites`)
      .set(operator)
      .send({ count: 1 })
      .expect(409);
    expect(invites.body.code).toBe('MIRROR_READ_ONLY');
    // Refused before its proof is looked at: the shape is a request's, the proof a rating's.
    const requested = await onMirror()
      .post(`/communities/${community.slug}/note-requests`)
      .send({
        post: { url: 'https://news.example/mirrored-story' },
        clientMinute: replacement.action.clientMinute,
        proof: replacement.proof,
      })
      .expect(409);
    expect(requested.body.code).toBe('MIRROR_READ_ONLY');
  });

  it("compares its own statuses with the origin's latest run, and names notes that differ", async () => {
    await publishScoringRun(instances.originDb, community.id);
    const localRun = await publishScoringRun(
      instances.mirrorDb,
      community.id,
      Date.now(),
      instances.mirrorDatabase.url,
    );
    const outcome = await instances.puller.pull(mirrorId);
    expect(outcome?.originRunFetched).toEqual(expect.any(String));

    const state = (await onMirror().get(`/mirrors/${mirrorId}`).expect(200)).body;
    expect(state).toMatchObject({
      held: { members: 3, roots: 1, notes: 1, ratings: 2 },
      refusals: 0,
      localRun: { id: localRun },
      originRun: { id: outcome?.originRunFetched },
      divergence: { compared: 1, differing: 0, disagreeing: 0, sameInput: true },
      lastError: null,
    });
    // The same data, told by the data hash; the input hashes cover each side's own run time,
    // histories and post row ids, so they differ.
    expect(state.localRun.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.originRun.dataHash).toBe(state.localRun.dataHash);
    expect(state.originRun.inputHash).not.toBe(state.localRun.inputHash);
    expect(state.cursors).toEqual({
      roots: expect.any(String),
      members: '2',
      notes: expect.any(String),
      ratings: expect.any(String),
      requests: expect.any(String),
    });

    // The origin's explanation came with its statuses: what they were before stabilisation.
    const { status, score } = await instances.mirrorDb.note.findUniqueOrThrow({
      where: { id: noteId },
    });
    const explanation = score as Json;
    const key = { mirrorId_noteId: { mirrorId, noteId } };
    const fetched = await instances.mirrorDb.mirrorOriginResult.findUniqueOrThrow({ where: key });
    expect(fetched).toMatchObject({
      status,
      preStabilizationStatus: explanation['preStabilizationStatus'],
      decidedBy: explanation['decidedBy'],
    });
    expect(fetched.preStabilizationStatus).toEqual(expect.any(String));
    const divergenceNow = async () =>
      (await onMirror().get(`/mirrors/${mirrorId}/divergence`).expect(200)).body;
    const other =
      status === 'CURRENTLY_RATED_HELPFUL' ? 'NEEDS_MORE_RATINGS' : 'CURRENTLY_RATED_HELPFUL';

    // A status that differs only after stabilisation and locking (the origin, with a longer
    // history, keeps a status it locked): named, but not a disagreement of the scores.
    await instances.mirrorDb.mirrorOriginResult.update({
      where: key,
      data: { status: other, decidedBy: 'ScoringDriftGuard' },
    });
    expect(await divergenceNow()).toMatchObject({
      compared: 1,
      differing: 1,
      disagreeing: 0,
      sameInput: true,
      items: [
        {
          noteId,
          local: status,
          origin: other,
          localPreStabilization: fetched.preStabilizationStatus,
          originPreStabilization: fetched.preStabilizationStatus,
          localDecidedBy: explanation['decidedBy'],
          originDecidedBy: 'ScoringDriftGuard',
          cause: 'HISTORY',
        },
      ],
      nextCursor: null,
    });
    // Statuses that differ before stabilisation too are a disagreement.
    await instances.mirrorDb.mirrorOriginResult.update({
      where: key,
      data: { preStabilizationStatus: other, decidedBy: 'GeneralCRH' },
    });
    expect(await divergenceNow()).toMatchObject({
      differing: 1,
      disagreeing: 1,
      items: [{ noteId, local: status, origin: other, cause: 'SCORES' }],
    });
    // So is a difference the origin gives no explanation for.
    await instances.mirrorDb.mirrorOriginResult.update({
      where: key,
      data: { preStabilizationStatus: null, decidedBy: null },
    });
    expect(await divergenceNow()).toMatchObject({
      disagreeing: 1,
      items: [{ originPreStabilization: null, cause: 'SCORES' }],
    });
    await instances.mirrorDb.mirrorOriginResult.update({
      where: key,
      data: {
        status,
        preStabilizationStatus: fetched.preStabilizationStatus,
        decidedBy: fetched.decidedBy,
      },
    });
    expect(await divergenceNow()).toMatchObject({ differing: 0, disagreeing: 0, items: [] });
  });

  it('refuses tampered records one by one, names each, keeps what it had and takes the rest', async () => {
    const proofOf = async (id: string) =>
      (await instances.originDb.rating.findUniqueOrThrow({ where: { id } })).proof as Json;
    const forged = async (pseudonym: string, proof: Json) => {
      const record = {
        id: randomUUID(),
        noteId,
        raterPseudonym: pseudonym,
        helpfulness: 'HELPFUL' as const,
        tags: [],
        clientMinute: Math.floor(Date.now() / 60_000),
      };
      // Everything a cheap check looks at is consistent: scope, message, pseudonym.
      const message = actionMessage(
        ratingAction(community.id, { ...record, cursor: '', proof: proof as never }),
      ).toString();
      await instances.originDb.rating.create({
        data: {
          ...record,
          communityId: community.id,
          proof: { ...proof, nullifier: pseudonym, message },
        },
      });
      return record.id;
    };
    const firstProof = await proofOf(ratingIds.first);
    // A note request whose proof no member made, refused like a forged rating.
    const asked = await instances.originDb.noteRequest.findUniqueOrThrow({
      where: { id: requestIds.first },
    });
    const forgedRequest = randomUUID();
    await instances.originDb.noteRequest.create({
      data: {
        id: forgedRequest,
        communityId: community.id,
        postId: asked.postId,
        requesterPseudonym: '6464646464',
        postRef: asked.postRef as { url: string },
        clientMinute: asked.clientMinute,
        proof: { ...(asked.proof as Json), nullifier: '6464646464' },
      },
    });
    // A rating whose proof no member made: valid-looking, but the Groth16 equation fails.
    const noMember = await forged('4242424242', firstProof);
    // A rating proven against a root the group never had.
    const unknownRoot = await forged('5353535353', {
      ...firstProof,
      merkleTreeRoot: '12345678901234567890',
    });
    // An accepted rating and the accepted note, edited in place after the mirror took them.
    await instances.originDb.rating.update({
      where: { id: ratingIds.second },
      data: { helpfulness: 'HELPFUL', tags: [] },
    });
    await instances.originDb.note.update({
      where: { id: noteId },
      data: { text: 'Edited afterwards' },
    });
    // Meanwhile, genuine activity: a replaced rating and a new member.
    await request(instances.origin.getHttpServer())
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(provenBody(replacement))
      .expect(200);
    await request(instances.origin.getHttpServer())
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: '777777' })
      .expect(201);
    // ...who is removed again: a root of as many leaves, the member's leaf zeroed.
    await request(instances.origin.getHttpServer())
      .delete(`/communities/${community.slug}/members/777777`)
      .set(operator)
      .expect(200);
    const outcome = await pullAfterEarlierWrites(instances, community.slug, mirrorId);
    expect(outcome).toMatchObject({
      accepted: { roots: 2, members: 1, notes: 0, ratings: 1 },
      refused: 5,
    });
    const refusals = (await onMirror().get(`/mirrors/${mirrorId}/refusals`).expect(200)).body;
    expect(
      refusals.items.map(({ code, subject, stream }: Json) => ({ code, subject, stream })),
    ).toEqual(
      expect.arrayContaining([
        { code: 'PROOF_INVALID', subject: `rating ${noMember}`, stream: 'ratings' },
        { code: 'PROOF_ROOT_UNKNOWN', subject: `rating ${unknownRoot}`, stream: 'ratings' },
        { code: 'PROOF_MESSAGE', subject: `rating ${ratingIds.second}`, stream: 'ratings' },
        { code: 'PROOF_MESSAGE', subject: `note ${noteId}`, stream: 'notes' },
        { code: 'PROOF_INVALID', subject: `request ${forgedRequest}`, stream: 'requests' },
      ]),
    );
    expect(refusals.items).toHaveLength(5);
    expect(
      await instances.mirrorDb.noteRequest.count({ where: { communityId: community.id } }),
    ).toBe(2);

    // What it had stays as accepted; the genuine changes came through.
    const note = await onMirror().get(`/communities/${community.slug}/notes/${noteId}`).expect(200);
    expect(note.body).toMatchObject({ text: NOTE.text, ratingCount: 2 });
    const ratings = await instances.mirrorDb.rating.findMany({
      where: { noteId },
      orderBy: { raterPseudonym: 'asc' },
    });
    expect(Object.fromEntries(ratings.map((rating) => [rating.id, rating.helpfulness]))).toEqual({
      [ratingIds.first]: 'SOMEWHAT_HELPFUL',
      [ratingIds.second]: 'NOT_HELPFUL',
    });
    expect(await instances.mirrorDb.member.count({ where: { communityId: community.id } })).toBe(4);
    const removed = await instances.mirrorDb.member.findFirstOrThrow({
      where: { communityId: community.id, commitment: '777777' },
    });
    expect(removed.removedAt).not.toBeNull();
    const [here, there] = await Promise.all(
      [instances.mirror, instances.origin].map(
        async (app) =>
          (
            await request(app.getHttpServer())
              .get(`/communities/${community.slug}/group/leaves`)
              .expect(200)
          ).body,
      ),
    );
    expect(here).toEqual(there);
    expect(here.leaves[3]).toBe('0');
  });

  it('says when the two sides scored different data: the origin scored what the mirror refused', async () => {
    await publishScoringRun(instances.originDb, community.id);
    await publishScoringRun(
      instances.mirrorDb,
      community.id,
      Date.now(),
      instances.mirrorDatabase.url,
    );
    const outcome = await instances.puller.pull(mirrorId);
    expect(outcome?.originRunFetched).toEqual(expect.any(String));
    const state = (await onMirror().get(`/mirrors/${mirrorId}`).expect(200)).body;
    expect(state.divergence).toMatchObject({ compared: 1, sameInput: false });
    expect(state.originRun.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.localRun.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.originRun.dataHash).not.toBe(state.localRun.dataHash);
  });

  it('refuses a root the published members do not build, and every root after it', async () => {
    const before = await instances.mirrorDb.community.findUniqueOrThrow({
      where: { id: community.id },
    });
    // The operator's hidden member: a root of one more leaf, with no published commitment.
    await instances.originDb.$executeRaw`
      INSERT INTO group_roots (id, community_id, seq, root, size, live_members, created_at)
      SELECT gen_random_uuid(), ${community.id}::uuid, max(seq) + 1, '98765432109876543210', 5,
             5, now()
        FROM group_roots WHERE community_id = ${community.id}::uuid`;
    const outcome = await instances.puller.pull(mirrorId);
    expect(outcome).toMatchObject({ accepted: { roots: 0, members: 0 }, refused: 1 });
    const again = await instances.puller.pull(mirrorId);
    expect(again?.refused).toBe(1);
    const [refusal] = (await onMirror().get(`/mirrors/${mirrorId}/refusals?limit=1`).expect(200))
      .body.items;
    expect(refusal).toMatchObject({
      stream: 'roots',
      subject: 'root 98765432109876543210',
      code: 'ROOT_NOT_FROM_MEMBERS',
      times: 2,
    });
    const after = await instances.mirrorDb.community.findUniqueOrThrow({
      where: { id: community.id },
    });
    expect(after.treeRoot).toBe(before.treeRoot);
    // It keeps serving what it has.
    await onMirror().get(`/communities/${community.slug}/notes/${noteId}`).expect(200);
  });

  it('records a failed pull and keeps everything; a stopped mirror pulls no more', async () => {
    // As undici fails: its cause's text names the address the origin's name resolved to.
    const unreachable: typeof fetch = async () => {
      const cause = Object.assign(new Error('connect ECONNREFUSED 203.0.113.5:443'), {
        code: 'ECONNREFUSED',
      });
      throw new TypeError('fetch failed', { cause });
    };
    const why = 'failed: the origin refused the connection (ECONNREFUSED)';
    await expect(instances.puller.pull(mirrorId, unreachable)).rejects.toThrow(why);
    const state = (await onMirror().get(`/mirrors/${mirrorId}`).expect(200)).body;
    expect(state.lastError).toBe(
      `GET ${instances.originUrl}/communities/${community.slug}/export ${why}`,
    );
    expect(JSON.stringify((await onMirror().get('/mirrors').expect(200)).body)).not.toContain(
      '203.0.113.5',
    );
    expect(state.lastErrorCode).toBe('ORIGIN_UNREACHABLE');
    expect(state.held).toMatchObject({ notes: 1, ratings: 2 });

    const stopped = await onMirror().delete(`/mirrors/${mirrorId}`).set(operator).expect(200);
    expect(stopped.body).toMatchObject({ following: false, stoppedAt: expect.any(String) });
    expect(await instances.puller.pull(mirrorId)).toBeUndefined();
    expect(
      (await onMirror().post(`/mirrors/${mirrorId}/pull`).set(operator).expect(409)).body.code,
    ).toBe('MIRROR_STOPPED');
    expect((await onMirror().get('/mirrors').expect(200)).body).toContainEqual(
      expect.objectContaining({ id: mirrorId, following: false }),
    );
    await onMirror().get(`/communities/${community.slug}/notes/${noteId}`).expect(200);
  });

  it.each([
    [{ origin: 'ftp://host', community: 'x' }, 400, 'VALIDATION_FAILED'],
    [{ origin: 'http://127.0.0.1:1', community: 'x' }, 502, 'ORIGIN_UNREACHABLE'],
  ])('answers POST /mirrors %j with %i %s', async (input, status, code) => {
    const response = await onMirror().post('/mirrors').set(operator).send(input).expect(status);
    expect(response.body.code).toBe(code);
  });

  it('answers 409 for a community it already holds, 404 for an unknown mirror, 401 without the key', async () => {
    const twice = await onMirror()
      .post('/mirrors')
      .set(operator)
      .send({ origin: instances.originUrl, community: community.slug, slug: 'another-slug' })
      .expect(409);
    expect(twice.body.code).toBe('COMMUNITY_EXISTS');
    expect((await onMirror().get(`/mirrors/${randomUUID()}`).expect(404)).body.code).toBe(
      'MIRROR_NOT_FOUND',
    );
    await onMirror()
      .post('/mirrors')
      .send({ origin: instances.originUrl, community: 'x' })
      .expect(401);
  });
});
