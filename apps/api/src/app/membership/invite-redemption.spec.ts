import type { INestApplication } from '@nestjs/common';
import { commitmentOf } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity } from '../../testing/members';
import { createSealedByHandApp, OPERATOR_KEY } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const K = 4;

/**
 * A sealed batch of invited joins, as someone with a copy of the database sees it: the codes the
 * batch redeemed must not keep the order in which the batch appended its leaves.
 */
describe('invite codes redeemed by a sealed batch of joins', () => {
  let app: INestApplication;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await createSealedByHandApp(K);
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app?.close();
    await prisma.$disconnect();
  });

  it('marks every code of the batch in one statement, to the hour', async () => {
    const server = () => app.getHttpServer();
    const community = await communityWithMembers(app, [createIdentity()], 'INVITE');
    const { codes } = (
      await request(server())
        .post(`/communities/${community.slug}/invites`)
        .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
        .send({ count: K + 1 })
        .expect(201)
    ).body as { codes: string[] };
    for (const code of codes.slice(0, K)) {
      const joined = await request(server())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment: commitmentOf(createIdentity()), inviteCode: code })
        .expect(201);
      expect(joined.body.pending).toBe(true);
    }
    await app.get(Sealer).sealDue();
    expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1 + K);

    // `cmin`: the command, within its transaction, that wrote the row's version. One UPDATE per
    // code, in the batch's order, gives each code its own, in the order of the leaves.
    const rows = await prisma.$queryRaw<{ redeemed: Date | null; xmin: string; cmin: string }[]>`
      SELECT redeemed_at AS redeemed, xmin::text AS xmin, cmin::text AS cmin
        FROM invite_codes WHERE community_id = ${community.id}::uuid`;
    const redeemed = rows.filter((row) => row.redeemed !== null);
    expect(redeemed).toHaveLength(K);
    expect(new Set(redeemed.map((row) => row.xmin)).size).toBe(1);
    expect(new Set(redeemed.map((row) => row.cmin)).size).toBe(1);
    for (const { redeemed: at } of redeemed) {
      expect((at as Date).getTime() % 3_600_000).toBe(0);
    }
  });

  it('keeps a code used by its join even when the community stops admitting by invitation before the batch', async () => {
    const server = () => app.getHttpServer();
    const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
    const community = await communityWithMembers(app, [createIdentity()], 'INVITE');
    const { codes } = (
      await request(server())
        .post(`/communities/${community.slug}/invites`)
        .set(operator)
        .send({ count: K })
        .expect(201)
    ).body as { codes: string[] };
    for (const code of codes) {
      await request(server())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment: commitmentOf(createIdentity()), inviteCode: code })
        .expect(201);
    }
    // While the joins wait, the operator closes the community (say, to stop a flood): the joins
    // were admitted by their codes, which they use when sealed, so reopening by invitation later
    // does not let a code admit a second identity.
    const admit = (admission: string) =>
      request(server())
        .patch(`/communities/${community.slug}`)
        .set(operator)
        .send({ admission })
        .expect(200);
    await admit('CLOSED');
    await app.get(Sealer).sealDue();
    expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1 + K);
    await admit('INVITE');
    const again = await request(server())
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: commitmentOf(createIdentity()), inviteCode: codes[0] })
      .expect(409);
    expect(again.body.code).toBe('INVITE_USED');
  });
});
