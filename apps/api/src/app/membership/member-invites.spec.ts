import type { INestApplication } from '@nestjs/common';
import { commitmentOf, type ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import {
  communityWithMembers,
  createIdentity,
  invitingCommunity,
  prover,
  TestCommunity,
} from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const body = (proven: ProvenAction) => ({
  n: proven.action.payload['n'],
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 168 * HOUR;
/** Member-created codes per community and UTC day, all members together, in this suite. */
const PER_DAY = 2;

interface Standing {
  ratingImpact: number;
  recentNotHelpful?: number;
  impactSinceLock?: number;
}

/** Invite quotas with real proofs: members create their n-th code by proving n, up to the quota. */
describe('invite quotas', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let closedQuota: TestCommunity;
  const inviter = createIdentity();
  const proofs = {} as Record<'first' | 'second' | 'third', ProvenAction>;
  const clock = new TestClock();
  const server = () => app.getHttpServer();
  const create = (slug: string, proven: ProvenAction) =>
    request(server()).post(`/communities/${slug}/invites/member`).send(body(proven));
  const join = (slug: string, code: string, identity = createIdentity()) =>
    request(server())
      .post(`/communities/${slug}/members`)
      .send({ commitment: commitmentOf(identity), inviteCode: code })
      .expect(201);

  /** The standing a full scoring run would publish for the pseudonym (a run of its own). */
  const earn = async (on: TestCommunity, pseudonym: string, standing: Standing) => {
    const run = await prisma.scoringRun.create({
      data: { communityId: on.id, status: 'SUCCEEDED' },
    });
    const values = {
      runId: run.id,
      recentNotHelpful: 0,
      impactSinceLock: 0,
      ...standing,
      writingImpact: 0,
      successfulRatings: Math.max(standing.ratingImpact, 0),
      unsuccessfulRatings: 0,
      notesHelpful: 0,
      notesNotHelpful: standing.recentNotHelpful ?? 0,
      notesNeedingRatings: 0,
    };
    await prisma.pseudonymStanding.upsert({
      where: { communityId_pseudonym: { communityId: on.id, pseudonym } },
      create: { communityId: on.id, pseudonym, ...values },
      update: values,
    });
  };

  beforeAll(async () => {
    app = await createTestApp({ MEMBER_INVITES_PER_DAY: String(PER_DAY) }, clock.install);
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [inviter], 'INVITE', { inviteQuota: 2 });
    closedQuota = await communityWithMembers(app, [inviter], 'INVITE');
    const prove = await prover(app, community);
    const invite = (n: number) => prove(inviter, 'invite.create', '', { n });
    proofs.first = await invite(1);
    proofs.second = await invite(2);
    proofs.third = await invite(3);
    await earn(community, proofs.first.proof.nullifier, { ratingImpact: 1 });
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('refuses member invites where the community has no quota', async () => {
    // Refused before any proof is checked, so another community's proof (not one made for this
    // refusal alone) serves; it stays unspent for the cases below.
    const refused = await create(closedQuota.slug, proofs.first).expect(403);
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
    await join(community.slug, first.body.code);

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

  it('lets an invitee invite only once its pseudonym has earned standing, so one member cannot multiply its identities', async () => {
    // The review's case: with a quota of 3, a member that invites its own identities and lets
    // each invite three more at once grows 3, 9, 27… identities. An invitee now starts without
    // standing, like any new pseudonym, and must rate its way to a rating impact first.
    const member = createIdentity();
    const growing = await communityWithMembers(app, [member], 'INVITE', { inviteQuota: 3 });
    const ownFirst = await (await prover(app, growing))(member, 'invite.create', '', { n: 1 });
    // Without standing even the operator's member may not invite while the earn-in is 0.
    const unearned = await create(growing.slug, ownFirst).expect(403);
    expect(unearned.body).toMatchObject({
      code: 'INVITE_EARN_IN_REQUIRED',
      details: { reason: 'EARN_IN', ratingImpact: 0, required: 1 },
    });
    await earn(growing, ownFirst.proof.nullifier, { ratingImpact: 1 });
    // The refusal used nothing up: the same proof now creates the first code.
    const code = await create(growing.slug, ownFirst).expect(201);
    const second = createIdentity();
    await join(growing.slug, code.body.code, second);

    const prove = await prover(app, growing);
    const secondFirst = await prove(second, 'invite.create', '', { n: 1 });
    const secondNext = await prove(second, 'invite.create', '', { n: 2 });
    const fresh = await create(growing.slug, secondFirst).expect(403);
    expect(fresh.body).toMatchObject({
      code: 'INVITE_EARN_IN_REQUIRED',
      details: { ratingImpact: 0, required: 1 },
    });
    expect(fresh.body.message).toMatch(/rating impact reaches 1 \(it is 0\)/);
    // The community's own earn-in, when higher, is the bar.
    await request(server())
      .patch(`/communities/${growing.slug}`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ earnInImpact: 2 })
      .expect(200);
    await earn(growing, secondFirst.proof.nullifier, { ratingImpact: 1 });
    const belowEarnIn = await create(growing.slug, secondFirst).expect(403);
    expect(belowEarnIn.body).toMatchObject({
      code: 'INVITE_EARN_IN_REQUIRED',
      details: { ratingImpact: 1, required: 2 },
    });
    expect(
      await prisma.inviteQuotaUse.findUnique({
        where: {
          communityId_pseudonym: {
            communityId: growing.id,
            pseudonym: secondFirst.proof.nullifier,
          },
        },
      }),
    ).toBeNull();
    await earn(growing, secondFirst.proof.nullifier, { ratingImpact: 2 });
    await create(growing.slug, secondFirst).expect(201);

    // A pseudonym whose writing is locked does not invite either.
    await earn(growing, secondFirst.proof.nullifier, {
      ratingImpact: 2,
      recentNotHelpful: 3,
      impactSinceLock: 0,
    });
    const locked = await create(growing.slug, secondNext).expect(403);
    expect(locked.body).toMatchObject({
      code: 'WRITING_LOCKED',
      details: { reason: 'LOCKED', recentNotHelpful: 3, required: 2 },
    });
    expect(await prisma.inviteCode.count({ where: { communityId: growing.id } })).toBe(2);
  });

  it('refuses a code proven over a root from before a removal, so a removed member cannot invite itself back', async () => {
    // The review's case: the operator removes a member with standing; within the hour its proof
    // over the pre-removal root (still in the root window for other writes) made a code that
    // admitted it again under a new identity.
    const removed = createIdentity();
    const staying = createIdentity();
    const joined = await communityWithMembers(app, [removed, staying], 'INVITE', {
      inviteQuota: 2,
    });
    const before = await prover(app, joined);
    const removedProof = await before(removed, 'invite.create', '', { n: 1 });
    const stayingBefore = await before(staying, 'invite.create', '', { n: 1 });
    await earn(joined, removedProof.proof.nullifier, { ratingImpact: 3 });
    await earn(joined, stayingBefore.proof.nullifier, { ratingImpact: 3 });
    await request(server())
      .delete(`/communities/${joined.slug}/members/${commitmentOf(removed)}`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .expect(200);

    const refused = await create(joined.slug, removedProof).expect(403);
    expect(refused.body.code).toBe('INVITE_ROOT_BEFORE_REMOVAL');
    expect(refused.body.message).toMatch(/Fetch the group again/);
    // A member who stays is refused over that root too, and proves again over the new group.
    const stayingRefused = await create(joined.slug, stayingBefore).expect(403);
    expect(stayingRefused.body.code).toBe('INVITE_ROOT_BEFORE_REMOVAL');
    expect(await prisma.inviteCode.count({ where: { communityId: joined.id } })).toBe(0);
    expect(await prisma.inviteQuotaUse.count({ where: { communityId: joined.id } })).toBe(0);

    const stayingAfter = await (await prover(app, joined))(staying, 'invite.create', '', { n: 1 });
    // Joins that replace the root meanwhile (no removal among them) do not refuse it: only a
    // removal does, so a member's proof is not lost to every sealed batch.
    const { codes } = (
      await request(server())
        .post(`/communities/${joined.slug}/invites`)
        .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
        .send({ count: 1 })
        .expect(201)
    ).body as { codes: string[] };
    await join(joined.slug, codes[0] as string);
    const { treeRoot } = await prisma.community.findUniqueOrThrow({ where: { id: joined.id } });
    expect(treeRoot).not.toBe(stayingAfter.proof.merkleTreeRoot);
    await create(joined.slug, stayingAfter).expect(201);
  });

  it('caps the codes all members of a community create per UTC day, counted by day in the code transaction', async () => {
    const members = [createIdentity(), createIdentity(), createIdentity()];
    const capped = await communityWithMembers(app, members, 'INVITE', { inviteQuota: 3 });
    const prove = await prover(app, capped);
    const firsts = await Promise.all(
      members.map((member) => prove(member, 'invite.create', '', { n: 1 })),
    );
    for (const proven of firsts) await earn(capped, proven.proof.nullifier, { ratingImpact: 1 });

    // Three members at once, one code left short: the cap holds under concurrency.
    const answers = await Promise.all(firsts.map((proven) => create(capped.slug, proven)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 429]);
    const refused = answers.findIndex((answer) => answer.status === 429);
    expect(answers[refused].body).toMatchObject({
      code: 'INVITE_DAILY_LIMIT',
      details: { limit: PER_DAY },
    });
    expect(answers[refused].body.message).toMatch(/00:00 UTC/);
    expect(await prisma.inviteCode.count({ where: { communityId: capped.id } })).toBe(PER_DAY);
    // The refused member's ordinal is not used up.
    const refusedPseudonym = firsts[refused].proof.nullifier;
    expect(
      await prisma.inviteQuotaUse.findUnique({
        where: { communityId_pseudonym: { communityId: capped.id, pseudonym: refusedPseudonym } },
      }),
    ).toBeNull();
    // Only the day and the community's count: no pseudonym, no time of day.
    const today = new Date(Math.floor(clock.at / DAY) * DAY);
    expect(await prisma.memberInviteDay.findMany({ where: { communityId: capped.id } })).toEqual([
      { communityId: capped.id, day: today, created: PER_DAY, joinedDay: null, joined: 0 },
    ]);

    // The next UTC day the count starts again, and the refused proof now creates its code.
    const started = clock.at;
    clock.at += DAY;
    try {
      await create(capped.slug, firsts[refused]).expect(201);
      expect(await prisma.memberInviteDay.findMany({ where: { communityId: capped.id } })).toEqual([
        {
          communityId: capped.id,
          day: new Date(today.getTime() + DAY),
          created: 1,
          joinedDay: null,
          joined: 0,
        },
      ]);
    } finally {
      clock.at = started;
    }
  });

  it('caps the joins by members’ codes per UTC day too: codes made on several days, redeemed on one', async () => {
    const members = [createIdentity(), createIdentity()];
    const capped = await communityWithMembers(app, members, 'INVITE', { inviteQuota: 2 });
    const prove = await prover(app, capped);
    const firsts = await Promise.all(members.map((m) => prove(m, 'invite.create', '', { n: 1 })));
    const seconds = await Promise.all(members.map((m) => prove(m, 'invite.create', '', { n: 2 })));
    for (const proven of firsts) await earn(capped, proven.proof.nullifier, { ratingImpact: 1 });
    const started = clock.at;
    const codes: string[] = [];
    try {
      // A day's cap of codes on each of two days: all good for a week.
      for (const proven of firsts)
        codes.push((await create(capped.slug, proven).expect(201)).body.code);
      clock.at = started + DAY;
      for (const proven of seconds) {
        codes.push((await create(capped.slug, proven).expect(201)).body.code);
      }
      // All redeemed on one day: no more joins than the day's cap.
      clock.at = started + 2 * DAY;
      const joins = [];
      for (const code of codes) {
        joins.push(
          await request(server())
            .post(`/communities/${capped.slug}/members`)
            .send({ commitment: commitmentOf(createIdentity()), inviteCode: code }),
        );
      }
      expect(joins.map((answer) => answer.status)).toEqual([201, 201, 429, 429]);
      expect(joins[2]?.body).toMatchObject({
        code: 'INVITE_JOINS_DAILY_LIMIT',
        details: { limit: PER_DAY },
      });
      expect(await prisma.member.count({ where: { communityId: capped.id } })).toBe(
        members.length + PER_DAY,
      );
      // The refused codes stay unused, and admit the next day: only the join day and its count.
      clock.at = started + 3 * DAY;
      for (const code of codes.slice(PER_DAY)) await join(capped.slug, code);
      const today = new Date(Math.floor(clock.at / DAY) * DAY);
      expect(await prisma.memberInviteDay.findMany({ where: { communityId: capped.id } })).toEqual([
        expect.objectContaining({ joinedDay: today, joined: PER_DAY }),
      ]);
    } finally {
      clock.at = started;
    }
  });
});

/**
 * With joins sealed in batches, the joins by members' codes that wait count towards the day's cap
 * as the stored ones do, and are counted when their batch is sealed.
 */
describe("the daily cap on members' joins, with joins sealed in batches", () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await createTestApp(
      {
        MEMBER_INVITES_PER_DAY: String(PER_DAY),
        // Sealed by hand: the timer never fires during the test, and a seal takes every join.
        SEAL_WINDOW_SECONDS: '3600',
        SEAL_MIN_MEMBERS: '1',
        SEAL_MAX_WAIT_SECONDS: '0',
      },
      clock.install,
    );
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await app?.close();
  });

  /** A new INVITE community, and `count` codes made by its operator, taken as members' codes. */
  async function withMemberCodes(count: number) {
    const { community, codes } = await invitingCommunity(app, count);
    // Members' codes but for their maker, which nothing records anyway.
    await prisma.inviteCode.updateMany({
      where: { communityId: community.id },
      data: { byMember: true },
    });
    const join = (code: string, commitment = commitmentOf(createIdentity())) =>
      request(app.getHttpServer())
        .post(`/communities/${community.slug}/members`)
        .send({ commitment, inviteCode: code });
    return { community, codes, join };
  }

  it('counts the waiting joins, then the sealed ones, against the day’s cap', async () => {
    const { community, codes, join } = await withMemberCodes(PER_DAY + 2);
    const statuses = [];
    for (const code of codes.slice(0, PER_DAY + 1)) statuses.push((await join(code)).status);
    expect(statuses).toEqual([...Array<number>(PER_DAY).fill(201), 429]);
    expect(await prisma.bufferedWrite.count({ where: { communityId: community.id } })).toBe(
      PER_DAY,
    );
    await app.get(Sealer).sealDue();
    expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(1 + PER_DAY);
    // Sealed, they still count: the day's cap stays reached.
    expect((await join(codes[PER_DAY + 1] as string)).body.code).toBe('INVITE_JOINS_DAILY_LIMIT');
    const started = clock.at;
    try {
      clock.at = started + DAY;
      expect((await join(codes[PER_DAY] as string)).status).toBe(201);
    } finally {
      clock.at = started;
    }
  });

  it('does not count a waiting join whose member the operator added meanwhile', async () => {
    const { community, codes, join } = await withMemberCodes(PER_DAY + 1);
    const commitment = commitmentOf(createIdentity());
    await join(codes[0] as string, commitment).expect(201);
    // While the join waits, the operator adds the same identity: the seal adds no member.
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/members/batch`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ commitments: [commitment] })
      .expect(201);
    await app.get(Sealer).sealDue();
    expect(await prisma.bufferedWrite.count({ where: { communityId: community.id } })).toBe(0);
    expect(await prisma.member.count({ where: { communityId: community.id } })).toBe(2);
    // The day's whole cap is left for joins that add members.
    const statuses = [];
    for (const code of codes.slice(1)) statuses.push((await join(code)).status);
    expect(statuses).toEqual(Array<number>(PER_DAY).fill(201));
  });
});
