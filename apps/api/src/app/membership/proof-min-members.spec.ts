import type { INestApplication } from '@nestjs/common';
import type { Identity } from '@semaphore-protocol/core';
import type { ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  checkProof,
  commitmentOf,
  communityWithMembers,
  createIdentity,
  prover,
  provenBody,
  TestCommunity,
} from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const HOUR = 3_600_000;
const DEFAULT_MIN_MEMBERS = 20;
const NOTE = {
  post: { url: 'https://example.com/story/1' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The photo is from 2019, see https://example.org/archive',
  sources: ['https://example.org/archive'],
};

/**
 * A proof hides its member only among the live members of the root it proves against, and the
 * pseudonym stays tied to that set for good (a one-member root is the member's commitment
 * itself): below PROOF_MIN_MEMBERS every proven action is refused. The test run turns the rule
 * off (1, tools/testing/global-setup.ts); this suite runs the API with the instance's default.
 */
describe('the minimum anonymity set of proofs (PROOF_MIN_MEMBERS)', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  const server = () => app.getHttpServer();
  const check = (slug: string, proven: ProvenAction) => checkProof(app, slug, proven);

  beforeAll(async () => {
    app = await createTestApp({ PROOF_MIN_MEMBERS: undefined });
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  describe('a community of one member', () => {
    const first = createIdentity();
    let community: TestCommunity;
    let lone: ProvenAction;

    beforeAll(async () => {
      community = await communityWithMembers(app, [first]);
      lone = await (await prover(app, community))(first, 'proof.check', 'post:1', { n: 1 });
    });

    it("refuses the proof: its root is the member's commitment", async () => {
      // In a lean Merkle tree a one-leaf root is the leaf: anyone reading the proof would tie
      // the pseudonym to the commitment.
      expect(lone.proof.merkleTreeRoot).toBe(commitmentOf(first));
      const refused = (await check(community.slug, lone).expect(403)).body;
      expect(refused).toMatchObject({
        code: 'PROOF_ROOT_TOO_SMALL',
        details: { required: DEFAULT_MIN_MEMBERS, members: 1 },
      });
      expect(refused.message).toContain(`needs ${DEFAULT_MIN_MEMBERS} members`);
    });

    it('publishes the minimum and the live members in the community', async () => {
      const shown = (await request(server()).get(`/communities/${community.slug}`).expect(200))
        .body;
      expect(shown).toMatchObject({
        treeSize: 1,
        members: 1,
        proofMinMembers: DEFAULT_MIN_MEMBERS,
      });
    });

    it('refuses a write, and stores nothing', async () => {
      const note = await (await prover(app, community))(first, 'note.create', '', NOTE);
      const refused = await request(server())
        .post(`/communities/${community.slug}/notes`)
        .send(provenBody(note))
        .expect(403);
      expect(refused.body.code).toBe('PROOF_ROOT_TOO_SMALL');
      expect(await prisma.note.count({ where: { communityId: community.id } })).toBe(0);
    });

    it('checks the root is known and in the window first', async () => {
      const unknown = structuredClone(lone);
      unknown.proof.merkleTreeRoot = '12345';
      expect((await check(community.slug, unknown).expect(403)).body.code).toBe(
        'PROOF_ROOT_UNKNOWN',
      );
      // A second member replaces the lone root; once that root is out of the window it is
      // expired before it is too small.
      await request(server())
        .post(`/communities/${community.slug}/members/batch`)
        .set(operator)
        .send({ commitments: [commitmentOf(createIdentity())] })
        .expect(201);
      await prisma.groupRoot.updateMany({
        where: { communityId: community.id, root: lone.proof.merkleTreeRoot },
        data: { supersededAt: new Date(Date.now() - 2 * HOUR) },
      });
      expect((await check(community.slug, lone).expect(403)).body.code).toBe('PROOF_ROOT_EXPIRED');
    });
  });

  it('counts live members, not leaves: a removal below the minimum refuses the new root', async () => {
    const members = Array.from({ length: DEFAULT_MIN_MEMBERS }, () => createIdentity());
    const [writer, leaving] = members as [Identity, Identity];
    const community = await communityWithMembers(app, members);
    const before = await (await prover(app, community))(writer, 'proof.check', 'post:1', { n: 1 });
    await check(community.slug, before).expect(200);

    await request(server())
      .delete(`/communities/${community.slug}/members/${commitmentOf(leaving)}`)
      .set(operator)
      .expect(200);
    const roots = await prisma.groupRoot.findMany({
      where: { communityId: community.id },
      orderBy: { createdAt: 'asc' },
      select: { size: true, liveMembers: true },
    });
    expect(roots).toEqual([
      { size: DEFAULT_MIN_MEMBERS, liveMembers: DEFAULT_MIN_MEMBERS },
      { size: DEFAULT_MIN_MEMBERS, liveMembers: DEFAULT_MIN_MEMBERS - 1 },
    ]);
    const after = await (await prover(app, community))(writer, 'proof.check', 'post:1', { n: 2 });
    expect(after.proof.merkleTreeRoot).not.toBe(before.proof.merkleTreeRoot);
    expect((await check(community.slug, after).expect(403)).body).toMatchObject({
      code: 'PROOF_ROOT_TOO_SMALL',
      details: { required: DEFAULT_MIN_MEMBERS, members: DEFAULT_MIN_MEMBERS - 1 },
    });
    // The root of 20 is still in the window, and still hides its members among 20.
    await check(community.slug, before).expect(200);
    const shown = (await request(server()).get(`/communities/${community.slug}`).expect(200)).body;
    expect(shown).toMatchObject({
      treeSize: DEFAULT_MIN_MEMBERS,
      members: DEFAULT_MIN_MEMBERS - 1,
    });
  });

  describe("a community's own minimum, set by the operator", () => {
    const [first, second] = [createIdentity(), createIdentity()];
    let community: TestCommunity;
    let lone: ProvenAction;
    let pair: ProvenAction;
    const shown = async () =>
      (await request(server()).get(`/communities/${community.slug}`).expect(200)).body;

    beforeAll(async () => {
      community = await communityWithMembers(app, [first], 'OPEN', { proofMinMembers: 2 });
      lone = await (await prover(app, community))(first, 'proof.check', 'post:1', { n: 1 });
      await request(server())
        .post(`/communities/${community.slug}/members/batch`)
        .set(operator)
        .send({ commitments: [commitmentOf(second)] })
        .expect(201);
      pair = await (await prover(app, community))(second, 'proof.check', 'post:1', { n: 2 });
    });

    it("is answered as the effective minimum, and as the community's own", async () => {
      expect(community).toMatchObject({ proofMinMembers: 2, proofMinMembersSource: 'community' });
      expect(await shown()).toMatchObject({
        members: 2,
        proofMinMembers: 2,
        proofMinMembersSource: 'community',
      });
    });

    it("accepts a root of 2 live members and refuses one of 1, instead of the instance's 20", async () => {
      await check(community.slug, pair).expect(200);
      expect((await check(community.slug, lone).expect(403)).body).toMatchObject({
        code: 'PROOF_ROOT_TOO_SMALL',
        details: { required: 2, members: 1 },
      });
    });

    it("set back to null, follows the instance's default again", async () => {
      const patched = (
        await request(server())
          .patch(`/communities/${community.slug}`)
          .set(operator)
          .send({ proofMinMembers: null })
          .expect(200)
      ).body;
      expect(patched).toMatchObject({
        proofMinMembers: DEFAULT_MIN_MEMBERS,
        proofMinMembersSource: 'instance',
      });
      expect(await shown()).toMatchObject({ proofMinMembers: DEFAULT_MIN_MEMBERS });
      // The very proof accepted before: the minimum is read with the root, not cached.
      expect((await check(community.slug, pair).expect(403)).body).toMatchObject({
        code: 'PROOF_ROOT_TOO_SMALL',
        details: { required: DEFAULT_MIN_MEMBERS, members: 2 },
      });
      const row = await prisma.community.findUniqueOrThrow({ where: { id: community.id } });
      expect(row.proofMinMembers).toBeNull();
    });

    it.each([0, 1.5, 'x', 2 ** 20 + 1])(
      'refuses %p on create and on change with 400 VALIDATION_FAILED, changing nothing',
      async (value) => {
        const slug = `t-min-${String(value).replace(/\W/g, '')}`;
        const created = await request(server())
          .post('/communities')
          .set(operator)
          .send({ slug, name: 'Refused', proofMinMembers: value })
          .expect(400);
        expect(created.body.code).toBe('VALIDATION_FAILED');
        expect(JSON.stringify(created.body)).toContain('proofMinMembers');
        expect(await prisma.community.count({ where: { slug } })).toBe(0);

        const patched = await request(server())
          .patch(`/communities/${community.slug}`)
          .set(operator)
          .send({ proofMinMembers: value })
          .expect(400);
        expect(patched.body.code).toBe('VALIDATION_FAILED');
        expect(await shown()).toMatchObject({
          proofMinMembers: DEFAULT_MIN_MEMBERS,
          proofMinMembersSource: 'instance',
        });
      },
    );
  });
});
