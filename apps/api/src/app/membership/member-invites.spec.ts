import type { INestApplication } from '@nestjs/common';
import { commitmentOf, type ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp } from '../../testing/test-app';

const body = (proven: ProvenAction) => ({
  n: proven.action.payload['n'],
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;

/** Invite quotas with real proofs: members create their n-th code by proving n, up to the quota. */
describe('invite quotas', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let closedQuota: TestCommunity;
  const inviter = createIdentity();
  const proofs = {} as Record<'first' | 'second' | 'third' | 'disabled', ProvenAction>;
  const server = () => app.getHttpServer();
  const create = (slug: string, proven: ProvenAction) =>
    request(server()).post(`/communities/${slug}/invites/member`).send(body(proven));

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [inviter], 'INVITE', { inviteQuota: 2 });
    closedQuota = await communityWithMembers(app, [inviter], 'INVITE');
    const prove = await prover(app, community);
    const invite = (n: number) => prove(inviter, 'invite.create', '', { n });
    proofs.first = await invite(1);
    proofs.second = await invite(2);
    proofs.third = await invite(3);
    proofs.disabled = await (
      await prover(app, closedQuota)
    )(inviter, 'invite.create', '', { n: 1 });
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('refuses member invites where the community has no quota', async () => {
    const refused = await create(closedQuota.slug, proofs.disabled).expect(403);
    expect(refused.body.code).toBe('INVITE_QUOTA_DISABLED');
  });

  it('gives a member its codes in order, each once, up to the quota, and never records who invited', async () => {
    // The second code's own proof, out of order: refused, and (below) still good in order.
    const skipped = await create(community.slug, proofs.second).expect(409);
    expect(skipped.body).toMatchObject({ code: 'INVITE_ORDINAL_INVALID', details: { used: 0 } });

    const asked = Date.now();
    const first = await create(community.slug, proofs.first).expect(201);
    expect(first.body).toMatchObject({ used: 1, quota: 2 });
    // Good for at least a week, and at most an hour more: the expiry is rounded up to the hour.
    const expiresAt = Date.parse(first.body.expiresAt);
    expect(expiresAt % HOUR).toBe(0);
    expect(expiresAt).toBeGreaterThanOrEqual(asked + WEEK);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + WEEK + HOUR);
    const replayed = await create(community.slug, proofs.first).expect(409);
    expect(replayed.body.code).toBe('INVITE_ORDINAL_INVALID');

    // The code admits a new member exactly as an operator's code does.
    const invitee = createIdentity();
    await request(server())
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: commitmentOf(invitee), inviteCode: first.body.code })
      .expect(201);

    await create(community.slug, proofs.second).expect(201);
    const exhausted = await create(community.slug, proofs.third).expect(409);
    expect(exhausted.body.code).toBe('INVITE_QUOTA_EXHAUSTED');

    expect(await prisma.inviteQuotaUse.findMany({ where: { communityId: community.id } })).toEqual([
      { communityId: community.id, pseudonym: proofs.first.proof.nullifier, used: 2 },
    ]);
    const codes = await prisma.inviteCode.findMany({ where: { communityId: community.id } });
    expect(codes).toHaveLength(2);
    expect(JSON.stringify(codes)).not.toContain(proofs.first.proof.nullifier);
    // No millisecond time beside the pseudonym's count: a member's code keeps only hours.
    for (const stored of codes) {
      expect(stored.createdAt.getTime() % HOUR).toBe(0);
      expect(stored.expiresAt.getTime() % HOUR).toBe(0);
    }
  });
});
