import type { INestApplication } from '@nestjs/common';
import { Group, type Identity } from '@semaphore-protocol/core';
import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
  ProvenAction,
} from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import { SNARK_BASE_FIELD } from '@bridgenotes/protocol';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { ActionProofsService } from './action-proofs.service';
import { checkProof, communityWithMembers, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const HOUR = 3_600_000;

/**
 * The shared proof check against real Semaphore proofs (depth 20, artifacts 4.13.0). Proofs cost
 * about 1.5 s each, so the suite makes six in `beforeAll` and every test reuses or tampers them.
 */
describe('action proofs', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let other: TestCommunity;
  const [alice, bob, carol, dave] = [
    createIdentity(),
    createIdentity(),
    createIdentity(),
    createIdentity(),
  ];
  const proofs = {} as Record<
    'alice' | 'aliceAgain' | 'aliceStale' | 'carol' | 'dave',
    ProvenAction
  >;
  let rootBeforeRemoval: string;

  const server = () => app.getHttpServer();
  const check = (slug: string, proven: ProvenAction) => checkProof(app, slug, proven);
  const tampered = (proven: ProvenAction, change: (copy: ProvenAction) => void): ProvenAction => {
    const copy = structuredClone(proven);
    change(copy);
    return copy;
  };

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [alice, bob, carol]);
    other = await communityWithMembers(app, []);
    const published = (
      await request(server()).get(`/communities/${community.slug}/group/leaves`).expect(200)
    ).body;
    const group = groupFromLeaves(published);
    rootBeforeRemoval = published.root;

    const artifacts = nodeArtifacts();
    const prove = (
      identity: Identity,
      proofGroup: Group,
      payload: Record<string, string | number>,
      at?: Date,
    ) =>
      proveAction(
        identity,
        proofGroup,
        { kind: 'proof.check', community, target: 'post:1', payload, at },
        artifacts,
      );
    proofs.alice = await prove(alice, group, { text: 'first', n: 1 });
    proofs.aliceAgain = await prove(alice, group, { text: 'second', n: 2 });
    proofs.aliceStale = await prove(
      alice,
      group,
      { text: 'late', n: 3 },
      new Date(Date.now() - 30 * 60_000),
    );
    proofs.carol = await prove(carol, group, { text: 'before removal', n: 4 });
    // Dave is no member: his proof is over a tree of his own making.
    proofs.dave = await prove(dave, new Group([...published.leaves.map(BigInt), dave.commitment]), {
      text: 'intruder',
      n: 5,
    });

    await request(server())
      .delete(`/communities/${community.slug}/members/${commitmentOf(carol)}`)
      .set(operator)
      .expect(200);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it("accepts a member's valid proof and answers the proof's nullifier as the pseudonym", async () => {
    const response = await check(community.slug, proofs.alice).expect(200);
    expect(response.body).toEqual({ pseudonym: proofs.alice.proof.nullifier });
  });

  it('gives a member the same pseudonym for every action, and each member its own', async () => {
    const again = await check(community.slug, proofs.aliceAgain).expect(200);
    expect(again.body.pseudonym).toBe(proofs.alice.proof.nullifier);
    expect(proofs.carol.proof.nullifier).not.toBe(proofs.alice.proof.nullifier);
  });

  it('accepts a proof over a root replaced less than the window ago (a removed member, too)', async () => {
    expect(proofs.carol.proof.merkleTreeRoot).toBe(rootBeforeRemoval);
    await check(community.slug, proofs.carol).expect(200);
  });

  it.each<[string, (proven: ProvenAction) => ProvenAction, number, string]>([
    [
      'a non-canonical number',
      (p) => tampered(p, (c) => void (c.proof.nullifier = `0${c.proof.nullifier}`)),
      400,
      'PROOF_MALFORMED',
    ],
    [
      'a point coordinate beyond the field',
      (p) =>
        tampered(
          p,
          (c) =>
            void (c.proof.points[0] = (
              BigInt(c.proof.points[0] as string) + SNARK_BASE_FIELD
            ).toString()),
        ),
      400,
      'PROOF_MALFORMED',
    ],
    [
      'a missing field',
      (p) => tampered(p, (c) => void delete (c.proof as Partial<typeof c.proof>).scope),
      400,
      'PROOF_MALFORMED',
    ],
    [
      'another depth',
      (p) => tampered(p, (c) => void (c.proof.merkleTreeDepth = 19)),
      400,
      'PROOF_DEPTH',
    ],
    [
      'another scope',
      (p) => tampered(p, (c) => void (c.proof.scope = other.scope)),
      400,
      'PROOF_SCOPE',
    ],
    [
      'another message',
      (p) => tampered(p, (c) => void (c.proof.message = '1')),
      400,
      'PROOF_MESSAGE',
    ],
    [
      'a changed payload field',
      (p) => tampered(p, (c) => void (c.action.payload['n'] = 2)),
      400,
      'PROOF_MESSAGE',
    ],
    [
      'a changed target',
      (p) => tampered(p, (c) => void (c.action.target = 'post:2')),
      400,
      'PROOF_MESSAGE',
    ],
    [
      'an unknown root',
      (p) => tampered(p, (c) => void (c.proof.merkleTreeRoot = '12345')),
      403,
      'PROOF_ROOT_UNKNOWN',
    ],
    [
      'garbage points',
      (p) => tampered(p, (c) => void (c.proof.points = ['1', '2', '3', '4', '5', '6', '7', '8'])),
      403,
      'PROOF_INVALID',
    ],
    [
      'a swapped nullifier',
      (p) => tampered(p, (c) => void (c.proof.nullifier = proofs.carol.proof.nullifier)),
      403,
      'PROOF_INVALID',
    ],
  ])('rejects %s with its own code', async (_, tamper, status, code) => {
    const response = await check(community.slug, tamper(proofs.alice)).expect(status);
    expect(response.body).toMatchObject({ statusCode: status, code });
  });

  it('rejects a stale client timestamp', async () => {
    expect((await check(community.slug, proofs.aliceStale).expect(400)).body.code).toBe(
      'PROOF_STALE',
    );
  });

  it("rejects a member's proof sent to another community", async () => {
    expect((await check(other.slug, proofs.alice).expect(400)).body.code).toBe('PROOF_SCOPE');
  });

  it("rejects a non-member's proof: its root is unknown, and with a real root it does not verify", async () => {
    expect((await check(community.slug, proofs.dave).expect(403)).body.code).toBe(
      'PROOF_ROOT_UNKNOWN',
    );
    const forged = tampered(proofs.dave, (c) => void (c.proof.merkleTreeRoot = rootBeforeRemoval));
    expect((await check(community.slug, forged).expect(403)).body.code).toBe('PROOF_INVALID');
  });

  it("rejects a removed member's proof once its root is older than the window", async () => {
    const roots = { communityId: community.id, root: rootBeforeRemoval };
    const { supersededAt } = await prisma.groupRoot.findFirstOrThrow({ where: roots });
    await prisma.groupRoot.updateMany({
      where: roots,
      data: { supersededAt: new Date(Date.now() - 2 * HOUR) },
    });
    try {
      expect((await check(community.slug, proofs.carol).expect(403)).body.code).toBe(
        'PROOF_ROOT_EXPIRED',
      );
    } finally {
      await prisma.groupRoot.updateMany({ where: roots, data: { supersededAt } });
    }
  });

  // Last: it shuts the verifier down.
  it('answers 503, not 403, once its verifier threads have been shut down', async () => {
    await app.get(ActionProofsService).onApplicationShutdown();
    const refused = await check(community.slug, proofs.alice).expect(503);
    expect(refused.body.code).toBe('PROOF_VERIFIER_UNAVAILABLE');
  });
});
