import type { INestApplication } from '@nestjs/common';
import type { Identity } from '@semaphore-protocol/core';
import { commitmentOf, createIdentity, groupFromLeaves } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createTestPrisma, SHAPED_PROOF } from '../../testing/fixtures';
import { Admission, communityWithMembers } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

describe('communities and membership', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const createCommunity = (admission: Admission) => communityWithMembers(app, [], admission);

  const join = (slug: string, identity: Identity, inviteCode?: string) =>
    request(server())
      .post(`/communities/${slug}/members`)
      .send({ commitment: commitmentOf(identity), ...(inviteCode ? { inviteCode } : {}) });

  describe('communities', () => {
    it('are created by the operator with a published scope derived from their id and depth 20', async () => {
      const created = await createCommunity('OPEN');
      expect(created).toMatchObject({
        admission: 'OPEN',
        treeDepth: 20,
        treeSize: 0,
        root: '0',
        description: '',
      });
      expect(created.scope).toBe(communityScope(created.id).toString());
      const fetched = await request(server()).get(`/communities/${created.slug}`).expect(200);
      expect(fetched.body).toEqual(created);
    });

    it('refuse a missing or wrong operator key with 401 and change nothing', async () => {
      const slug = `m-${randomUUID().slice(0, 8)}`;
      await request(server()).post('/communities').send({ slug, name: 'x' }).expect(401);
      await request(server())
        .post('/communities')
        .set({ Authorization: 'Bearer wrong' })
        .send({ slug, name: 'x' })
        .expect(401);
      expect(await prisma.community.count({ where: { slug } })).toBe(0);

      const existing = await createCommunity('OPEN');
      await request(server())
        .patch(`/communities/${existing.slug}`)
        .send({ name: 'Hijacked' })
        .expect(401);
      expect(
        (await prisma.community.findUniqueOrThrow({ where: { slug: existing.slug } })).name,
      ).not.toBe('Hijacked');
    });

    it('can be updated, but never their slug or scope', async () => {
      const created = await createCommunity('OPEN');
      const updated = await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ name: 'Renamed', admission: 'CLOSED' })
        .expect(200);
      expect(updated.body).toMatchObject({
        name: 'Renamed',
        admission: 'CLOSED',
        scope: created.scope,
      });
      const refused = await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ scope: '1' })
        .expect(400);
      expect(refused.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'property scope should not exist',
      });
    });

    it("keep the reference's topics by default and take the operator's own, never a pattern", async () => {
      const created = await createCommunity('OPEN');
      const shown = await request(server()).get(`/communities/${created.slug}`).expect(200);
      expect(shown.body.topicSeeds.map((seed: { topic: string }) => seed.topic)).toEqual([
        'UkraineConflict',
        'GazaConflict',
        'MessiRonaldo',
        'Scams',
      ]);
      const topicSeeds = [{ topic: 'Elections', terms: ['ballot', '\\bvote\\b'] }];
      const updated = await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ topicSeeds })
        .expect(200);
      expect(updated.body.topicSeeds).toEqual(topicSeeds);
      const bad = await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ topicSeeds: [{ topic: 'Bad topic!', terms: ['(a+)+\\d'] }] })
        .expect(400);
      expect(bad.body.details.map((detail: { field: string }) => detail.field)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^topicSeeds/)]),
      );
      const stored = await prisma.community.findUniqueOrThrow({ where: { slug: created.slug } });
      expect(stored.topicSeeds).toEqual(topicSeeds);
    });

    // The seeds decide which notes Core leaves to CoreWithTopics: a change asks for a run, as a
    // redaction does, instead of leaving the statuses those of the old seeds until the next
    // write or the hourly run.
    it('ask for a scoring run when their topic seeds change, and not when they stay or are not sent', async () => {
      const created = await createCommunity('OPEN');
      const events = () => prisma.scoringEvent.findMany({ where: { communityId: created.id } });
      const patch = (body: object) =>
        request(server())
          .patch(`/communities/${created.slug}`)
          .set(operator)
          .send(body)
          .expect(200);
      const topicSeeds = [{ topic: 'Elections', terms: ['ballot', '\\bvote\\b'] }];

      await patch({ topicSeeds });
      expect(await events()).toEqual([
        { id: expect.any(BigInt), communityId: created.id, kind: 'community.seeds' },
      ]);
      await prisma.scoringEvent.deleteMany({ where: { communityId: created.id } });

      await patch({ topicSeeds });
      await patch({ name: 'Renamed' });
      expect(await events()).toEqual([]);

      await patch({ topicSeeds: [] });
      expect(await events()).toHaveLength(1);
    });

    it.each([
      ['a topic seed in a nested list', [[{ topic: 'Elections', terms: ['ballot'] }]]],
      ['an empty nested list', [[]]],
      ['null as a topic seed', [null]],
      ['a number as a topic seed', [7]],
    ])('refuse %s, keeping their seeds', async (_, topicSeeds) => {
      const created = await createCommunity('OPEN');
      const seeds = async () =>
        (await prisma.community.findUniqueOrThrow({ where: { slug: created.slug } })).topicSeeds;
      const before = await seeds();
      const refused = await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ topicSeeds })
        .expect(400);
      // null or a number also fails ValidateNested, whose own words follow ours.
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.details[0]).toEqual({
        field: 'topicSeeds',
        problems: ['each topic seed must be an object: { topic, terms }'],
      });
      expect(await seeds()).toEqual(before);
    });

    it('answer 409 for a taken slug and 400 for bad fields', async () => {
      const created = await createCommunity('OPEN');
      const taken = await request(server())
        .post('/communities')
        .set(operator)
        .send({ slug: created.slug, name: 'Again' })
        .expect(409);
      expect(taken.body.code).toBe('COMMUNITY_EXISTS');
      const bad = await request(server())
        .post('/communities')
        .set(operator)
        .send({ slug: 'Bad Slug', name: '', admission: 'SOMETIMES' })
        .expect(400);
      expect(bad.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
        'admission',
        'name',
        'slug',
      ]);
    });

    it('refuse null for a setting that has none, on creation and on update, and change nothing', async () => {
      const created = await createCommunity('OPEN');
      const before = await prisma.community.findUniqueOrThrow({ where: { slug: created.slug } });
      const settings = [
        'name',
        'description',
        'admission',
        'embedOrigins',
        'earnInImpact',
        'inviteQuota',
        'topicSeeds',
        'joinWorkDifficulty',
      ];
      for (const field of settings) {
        const patched = await request(server())
          .patch(`/communities/${created.slug}`)
          .set(operator)
          .send({ [field]: null })
          .expect(400);
        expect(patched.body).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(patched.body.details.map((detail: { field: string }) => detail.field)).toEqual([
          field,
        ]);
        if (field === 'name') continue;
        await request(server())
          .post('/communities')
          .set(operator)
          .send({ slug: `nulls-${settings.indexOf(field)}`, name: 'Nulls', [field]: null })
          .expect(400);
      }
      expect(await prisma.community.findUniqueOrThrow({ where: { slug: created.slug } })).toEqual(
        before,
      );
      // The daily quotas may be null: the instance's default.
      await request(server())
        .patch(`/communities/${created.slug}`)
        .set(operator)
        .send({ notesPerDay: null, noteRequestsPerDay: null })
        .expect(200);
    });
  });

  describe('joining', () => {
    it('admits anyone to an open community, once per commitment, one leaf each', async () => {
      const community = await createCommunity('OPEN');
      const [first, second] = [createIdentity(), createIdentity()];
      expect((await join(community.slug, first).expect(201)).body).toMatchObject({
        leafIndex: 0,
        size: 1,
      });
      expect((await join(community.slug, second).expect(201)).body).toMatchObject({
        leafIndex: 1,
        size: 2,
      });
      const again = await join(community.slug, first).expect(409);
      expect(again.body.code).toBe('ALREADY_MEMBER');
      expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(2);
    });

    it('tells a removed commitment that its membership ended, not that it is a member', async () => {
      const community = await createCommunity('OPEN');
      const member = createIdentity();
      await join(community.slug, member).expect(201);
      await request(server())
        .delete(`/communities/${community.slug}/members/${commitmentOf(member)}`)
        .set(operator)
        .expect(200);
      // ALREADY_MEMBER sent the member's device looking for its leaf, waiting to be sealed.
      const again = await join(community.slug, member).expect(409);
      expect(again.body.code).toBe('MEMBERSHIP_ENDED');
    });

    it('refuses members past the 2^20 leaves a depth-20 proof can reach', async () => {
      const community = await createCommunity('OPEN');
      await prisma.community.update({ where: { id: community.id }, data: { treeSize: 2 ** 20 } });
      expect((await join(community.slug, createIdentity()).expect(409)).body.code).toBe(
        'GROUP_FULL',
      );
    });

    it('refuses malformed and out-of-field commitments', async () => {
      const community = await createCommunity('OPEN');
      const malformed = await request(server())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment: '0x12' })
        .expect(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      const tooLarge = await request(server())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment: (1n << 254n).toString() })
        .expect(400);
      expect(tooLarge.body.code).toBe('COMMITMENT_INVALID');
    });

    it('lets only the operator add members to a closed community', async () => {
      const community = await createCommunity('CLOSED');
      const refused = await join(community.slug, createIdentity()).expect(403);
      expect(refused.body.code).toBe('ADMISSION_CLOSED');
      const added = await request(server())
        .post(`/communities/${community.slug}/members/batch`)
        .set(operator)
        .send({
          commitments: [
            commitmentOf(createIdentity()),
            commitmentOf(createIdentity()),
            commitmentOf(createIdentity()),
          ],
        })
        .expect(201);
      expect(added.body).toMatchObject({ leafIndex: 0, size: 3 });
      const roots = await request(server())
        .get(`/communities/${community.slug}/group/roots`)
        .expect(200);
      expect(roots.body).toHaveLength(1);
    });

    it("refuses an operator's batch whole, naming the commitments it is refused for", async () => {
      const community = await createCommunity('CLOSED');
      const [member, removed, fresh] = [1, 2, 3].map(() => commitmentOf(createIdentity()));
      const batch = (commitments: string[]) =>
        request(server())
          .post(`/communities/${community.slug}/members/batch`)
          .set(operator)
          .send({ commitments });
      await batch([member, removed]).expect(201);
      await request(server())
        .delete(`/communities/${community.slug}/members/${removed}`)
        .set(operator)
        .expect(200);
      const ended = await batch([fresh, member, removed]).expect(409);
      expect(ended.body).toMatchObject({
        code: 'MEMBERSHIP_ENDED',
        details: { commitments: [removed] },
      });
      const already = await batch([fresh, member]).expect(409);
      expect(already.body).toMatchObject({
        code: 'ALREADY_MEMBER',
        details: { commitments: [member] },
      });
      expect(
        (await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).treeSize,
      ).toBe(2);
    });

    it('needs a single-use, unexpired invite code in an invite-only community', async () => {
      const community = await createCommunity('INVITE');
      const missing = await join(community.slug, createIdentity()).expect(400);
      expect(missing.body.code).toBe('INVITE_REQUIRED');
      const invites = await request(server())
        .post(`/communities/${community.slug}/invites`)
        .set(operator)
        .send({ count: 2 })
        .expect(201);
      const [code, other] = invites.body.codes as string[];
      await join(community.slug, createIdentity(), code).expect(201);
      expect((await join(community.slug, createIdentity(), code).expect(409)).body.code).toBe(
        'INVITE_USED',
      );
      expect((await join(community.slug, createIdentity(), 'made-up').expect(403)).body.code).toBe(
        'INVITE_INVALID',
      );

      await prisma.inviteCode.updateMany({
        where: { communityId: community.id, redeemedAt: null },
        data: { expiresAt: new Date(Date.now() - 1_000) },
      });
      expect((await join(community.slug, createIdentity(), other).expect(410)).body.code).toBe(
        'INVITE_EXPIRED',
      );
      expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1);
    });

    it.each<[object, string]>([
      // Taken as absent, null made no code at all (count) or codes expired at birth (hours).
      [{ count: null }, 'count must be a whole number'],
      [{ count: 3, expiresInHours: null }, 'expiresInHours must be a whole number'],
      // Converted with Number(): true was 1 code, "0x10" 16.
      [{ count: true }, 'count must be a whole number'],
      [{ count: '0x10' }, 'count must be a whole number'],
      [{ count: '2' }, 'count must be a whole number'],
      [{ count: 2, expiresInHours: '1e2' }, 'expiresInHours must be a whole number'],
    ])('refuses invites %j with 400, making no code', async (body, problem) => {
      const community = await createCommunity('INVITE');
      const refused = await request(server())
        .post(`/communities/${community.slug}/invites`)
        .set(operator)
        .send(body);
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(refused.body.message).toContain(problem);
      expect(await prisma.inviteCode.count({ where: { communityId: community.id } })).toBe(0);
    });

    it('ignores an invite code outside an invite-only community, neither checking nor using it', async () => {
      const community = await createCommunity('OPEN');
      // An unknown code was refused with 403 INVITE_INVALID, though OPEN needs none.
      await join(community.slug, createIdentity(), 'made-up').expect(201);
      const { codes } = (
        await request(server())
          .post(`/communities/${community.slug}/invites`)
          .set(operator)
          .send({ count: 1 })
          .expect(201)
      ).body as { codes: string[] };
      await join(community.slug, createIdentity(), codes[0]).expect(201);
      await join(community.slug, createIdentity(), codes[0]).expect(201);
      expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(3);
      // The code is not burned: it still admits once the community admits by invitation.
      const [code] = await prisma.inviteCode.findMany({ where: { communityId: community.id } });
      expect(code?.redeemedAt).toBeNull();
      await request(server())
        .patch(`/communities/${community.slug}`)
        .set(operator)
        .send({ admission: 'INVITE' })
        .expect(200);
      await join(community.slug, createIdentity(), codes[0]).expect(201);
      expect((await join(community.slug, createIdentity(), codes[0]).expect(409)).body.code).toBe(
        'INVITE_USED',
      );
    });

    it('does not consume an invite when the join fails', async () => {
      const community = await createCommunity('INVITE');
      const { codes } = (
        await request(server())
          .post(`/communities/${community.slug}/invites`)
          .set(operator)
          .send({ count: 2 })
      ).body;
      const member = createIdentity();
      await join(community.slug, member, codes[0]).expect(201);
      expect((await join(community.slug, member, codes[1]).expect(409)).body.code).toBe(
        'ALREADY_MEMBER',
      );
      await join(community.slug, createIdentity(), codes[1]).expect(201);
    });

    it('redeems one invite code exactly once under 20 concurrent attempts', async () => {
      const community = await createCommunity('INVITE');
      const { codes } = (
        await request(server())
          .post(`/communities/${community.slug}/invites`)
          .set(operator)
          .send({})
      ).body;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => join(community.slug, createIdentity(), codes[0])),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);
      expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1);
      expect(
        (await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).treeSize,
      ).toBe(1);
    });
  });

  describe('the group', () => {
    it('publishes leaves that rebuild the published root, zeroing removed members', async () => {
      const community = await createCommunity('OPEN');
      const identities = Array.from({ length: 5 }, () => createIdentity());
      for (const identity of identities) await join(community.slug, identity).expect(201);
      const removed = await request(server())
        .delete(`/communities/${community.slug}/members/${commitmentOf(identities[1] as Identity)}`)
        .set(operator)
        .expect(200);
      expect(removed.body).toMatchObject({ leafIndex: 1, size: 5 });

      const response = await request(server())
        .get(`/communities/${community.slug}/group/leaves`)
        .expect(200);
      expect(response.body.leaves[1]).toBe('0');
      expect(response.body.root).toBe(removed.body.root);
      const group = groupFromLeaves(response.body);
      expect(group.root.toString()).toBe(response.body.root);

      await request(server())
        .get(`/communities/${community.slug}/group/leaves`)
        .set('If-None-Match', response.headers['etag'] as string)
        .expect(304);

      const history = await request(server())
        .get(`/communities/${community.slug}/group/roots`)
        .expect(200);
      expect(history.body).toHaveLength(6);
      expect(history.body[0]).toMatchObject({ root: removed.body.root, supersededAt: null });
      expect(
        history.body
          .slice(1)
          .every((root: { supersededAt: string | null }) => root.supersededAt !== null),
      ).toBe(true);

      const again = await request(server())
        .delete(`/communities/${community.slug}/members/${commitmentOf(identities[1] as Identity)}`)
        .set(operator)
        .expect(404);
      expect(again.body.code).toBe('MEMBER_NOT_FOUND');
    });
  });

  describe('proof checks', () => {
    const ACTION = { kind: 'proof.check', target: '', payload: {}, clientMinute: 1 };

    // ValidateNested alone let a missing action or a list through to the proof check, which
    // answered a proof failure (PROOF_SCOPE here, PROOF_MALFORMED for a partial proof) although
    // the action was what was wrong.
    it.each([
      ['no action', {}],
      ['a null action', { action: null }],
      ['an empty list as the action', { action: [] }],
      ['the action in a list', { action: [ACTION] }],
      ['a text as the action', { action: 'proof.check' }],
    ])('refuse %s with 400 VALIDATION_FAILED naming the action', async (_, body) => {
      const community = await createCommunity('OPEN');
      const refused = await request(server())
        .post(`/communities/${community.slug}/proofs/check`)
        .send({ ...body, proof: SHAPED_PROOF })
        .expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.details[0].field).toBe('action');
      // null or a text also fails ValidateNested, whose own words follow ours.
      expect(refused.body.details[0].problems[0]).toBe(
        'action must be an object: { kind, target, payload, clientMinute }',
      );
    });

    it('check the action itself when it is an object', async () => {
      const community = await createCommunity('OPEN');
      const refused = await request(server())
        .post(`/communities/${community.slug}/proofs/check`)
        .send({ action: { ...ACTION, kind: 'Proof' }, proof: SHAPED_PROOF })
        .expect(400);
      expect(refused.body.details[0].field).toBe('action.kind');
    });
  });
});
