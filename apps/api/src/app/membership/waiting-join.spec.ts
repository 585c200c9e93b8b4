import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  invitingCommunity,
} from '../../testing/members';
import { createSealedByHandApp } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const K = 3;

/**
 * A join waits in the write buffer until its batch is sealed, so that nobody can tell when it
 * was made. Asking to join with the same commitment must not tell anyone that it waits: not
 * before every admission check has passed, and in an OPEN community not at all.
 */
describe('joining again while the first join waits', () => {
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

  const join = (slug: string, commitment: string, inviteCode?: string) =>
    request(app.getHttpServer())
      .post(`/communities/${slug}/members`)
      .send({ commitment, inviteCode });

  it('in an OPEN community, answers a waiting commitment as the new pending join it was', async () => {
    const community = await communityWithMembers(app, [createIdentity()]);
    const waiting = commitmentOf(createIdentity());
    const first = (await join(community.slug, waiting).expect(201)).body;
    expect(first).toMatchObject({ pending: true, leafIndex: null });

    const again = await join(community.slug, waiting);
    const fresh = await join(community.slug, commitmentOf(createIdentity()));
    expect({ status: again.status, body: again.body }).toEqual({
      status: fresh.status,
      body: fresh.body,
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first);
    // Answered, not stored twice: one join, sealed once.
    expect(
      await prisma.bufferedWrite.count({ where: { communityId: community.id, actor: waiting } }),
    ).toBe(1);
    await join(community.slug, commitmentOf(createIdentity())).expect(201);
    expect(await app.get(Sealer).sealDue()).toBe(K);
    expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1 + K);
    // Once stored, the commitment is in the public group: joining again is refused.
    expect((await join(community.slug, waiting).expect(409)).body.code).toBe('ALREADY_MEMBER');
  });

  const inviting = (count: number) => invitingCommunity(app, count);

  it('in an INVITE community, checks the code before saying that the commitment waits', async () => {
    const { community, codes } = await inviting(2);
    const [used, unused] = codes as [string, string];
    const waiting = commitmentOf(createIdentity());
    await join(community.slug, waiting, used).expect(201);

    // Without a code of its own, the asker learns nothing a new commitment would not get.
    expect((await join(community.slug, waiting, 'not-a-code').expect(403)).body.code).toBe(
      'INVITE_INVALID',
    );
    // The same join sent again (its answer lost) is answered as the pending join it is.
    expect((await join(community.slug, waiting, used).expect(201)).body).toMatchObject({
      pending: true,
    });
    // Another commitment with that code: the code is used.
    expect(
      (await join(community.slug, commitmentOf(createIdentity()), used).expect(409)).body.code,
    ).toBe('INVITE_USED');
    // Only a holder of an unused code hears it, and the code is not spent on it.
    expect((await join(community.slug, waiting, unused).expect(409)).body.code).toBe(
      'ALREADY_MEMBER',
    );
    expect((await join(community.slug, commitmentOf(createIdentity()), unused)).status).toBe(201);
  });

  it('in an INVITE community, answers an invited join resent after its seal as a member', async () => {
    const { community, codes } = await inviting(K);
    const commitments = codes.map(() => commitmentOf(createIdentity()));
    for (const [i, code] of codes.entries()) {
      await join(community.slug, commitments[i] as string, code).expect(201);
    }
    await app.get(Sealer).sealDue();
    const [sealed] = commitments as [string];
    expect(
      await prisma.member.count({ where: { communityId: community.id, commitment: sealed } }),
    ).toBe(1);
    // Its answer lost, the join is sent again with its (now used) code: it is a member, and the
    // widget looks for its leaf instead of asking for a new code.
    expect((await join(community.slug, sealed, codes[0]).expect(409)).body.code).toBe(
      'ALREADY_MEMBER',
    );
  });
});
