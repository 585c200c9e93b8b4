import type { INestApplication } from '@nestjs/common';
import { commitmentOf, createIdentity } from '@bridgenotes/client';
import type { Community, PrismaClient } from '@bridgenotes/database';
import { checkJoinWork, solveJoinWork } from '@bridgenotes/protocol';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import { Admission, communityWithMembers, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { JOIN_WORK_PERIOD_MS, JoinWorkService } from './join-work.service';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
/** About 4,000 hashes: a few milliseconds, yet a random nonce passes only once in 4,096 tries. */
const DIFFICULTY = 12;

/** Proof-of-work on OPEN joins, through real joins of the API. */
describe('join proof-of-work', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  const server = () => app.getHttpServer();
  // The API's clock held still: a challenge made for this or another period stays of it until
  // the join is checked, even when the run crosses a period's end.
  const clock = new TestClock();

  beforeAll(async () => {
    app = await createTestApp({}, clock.install);
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  async function communityAsking(difficulty: number, admission: Admission = 'OPEN') {
    const community = await communityWithMembers(app, [], admission);
    await request(server())
      .patch(`/communities/${community.slug}`)
      .set(operator)
      .send({ joinWorkDifficulty: difficulty })
      .expect(200);
    return community;
  }

  const challengeOf = async (community: TestCommunity) =>
    (await request(server()).get(`/communities/${community.slug}/join-work`).expect(200)).body as {
      difficulty: number;
      challenge: string;
      expiresAt: string;
    };

  const join = (community: TestCommunity, body: Record<string, unknown>) =>
    request(server()).post(`/communities/${community.slug}/members`).send(body);

  const members = (community: TestCommunity) =>
    prisma.member.count({ where: { communityId: community.id } });

  it('publishes the difficulty and a challenge that expires within 20 minutes', async () => {
    const community = await communityAsking(DIFFICULTY);
    const shown = await request(server()).get(`/communities/${community.slug}`).expect(200);
    expect(shown.body).toMatchObject({ joinWorkDifficulty: DIFFICULTY });
    const work = await challengeOf(community);
    expect(work.difficulty).toBe(DIFFICULTY);
    expect(work.challenge).toMatch(/^\d+\.[A-Za-z0-9_-]{22}$/);
    const left = Date.parse(work.expiresAt) - clock.at;
    expect(left).toBeGreaterThan(JOIN_WORK_PERIOD_MS - 60_000);
    expect(left).toBeLessThanOrEqual(2 * JOIN_WORK_PERIOD_MS);
    // Another community's challenge differs: its tag is bound to the community.
    const other = await communityAsking(DIFFICULTY);
    expect((await challengeOf(other)).challenge).not.toBe(work.challenge);
  });

  it('admits a commitment with a solved challenge, and refuses the same work for another', async () => {
    const community = await communityAsking(DIFFICULTY);
    const { challenge } = await challengeOf(community);
    const commitment = commitmentOf(createIdentity());
    const nonce = solveJoinWork({
      community: community.id,
      commitment,
      challenge,
      difficulty: DIFFICULTY,
    }) as string;
    await join(community, { commitment, workChallenge: challenge, workNonce: nonce }).expect(201);
    expect(await members(community)).toBe(1);

    // The same solution names its commitment: it admits no other. (At this difficulty it also
    // solves one commitment in 2^12 by chance: another is drawn until it is not one of those.)
    const forAnother = (commitment: string) => ({
      community: community.id,
      commitment,
      challenge,
      difficulty: DIFFICULTY,
    });
    let another = commitmentOf(createIdentity());
    while (checkJoinWork(forAnother(another), nonce)) another = commitmentOf(createIdentity());
    const reused = await join(community, {
      commitment: another,
      workChallenge: challenge,
      workNonce: nonce,
    });
    expect(reused.status).toBe(403);
    expect(reused.body.code).toBe('JOIN_WORK_INVALID');
    // Nor, in another community, the same commitment.
    const elsewhere = await communityAsking(DIFFICULTY);
    const moved = await join(elsewhere, { commitment, workChallenge: challenge, workNonce: nonce });
    expect(moved.status).toBe(403);
    expect(moved.body.code).toBe('JOIN_WORK_INVALID');
    // Sent again, it is the same member: nothing new.
    const replayed = await join(community, {
      commitment,
      workChallenge: challenge,
      workNonce: nonce,
    });
    expect(replayed.body.code).toBe('ALREADY_MEMBER');
    expect(await members(community)).toBe(1);
    expect(await members(elsewhere)).toBe(0);
  });

  it('refuses a missing, wrong, forged or expired solution with its own code, admitting nobody', async () => {
    const community = await communityAsking(DIFFICULTY);
    const row = (await prisma.community.findUniqueOrThrow({
      where: { id: community.id },
    })) as Community;
    const commitment = commitmentOf(createIdentity());
    const solve = (challenge: string) =>
      solveJoinWork({
        community: community.id,
        commitment,
        challenge,
        difficulty: DIFFICULTY,
      }) as string;

    const missing = await join(community, { commitment });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'JOIN_WORK_REQUIRED' });
    expect(missing.body.message).toContain(`${DIFFICULTY} bits`);

    const { challenge } = await challengeOf(community);
    const target = { community: community.id, commitment, challenge, difficulty: DIFFICULTY };
    let wrong = 0;
    while (checkJoinWork(target, String(wrong))) wrong += 1;
    const unsolved = await join(community, {
      commitment,
      workChallenge: challenge,
      workNonce: String(wrong),
    });
    expect(unsolved.status).toBe(403);
    expect(unsolved.body.code).toBe('JOIN_WORK_INVALID');

    // A challenge the client made up (the tag is the server's HMAC), even fully solved.
    const [period] = challenge.split('.');
    const forged = `${period}.${'A'.repeat(22)}`;
    const made = await join(community, {
      commitment,
      workChallenge: forged,
      workNonce: solve(forged),
    });
    expect(made.status).toBe(403);
    expect(made.body.code).toBe('JOIN_WORK_INVALID');

    // The server's own challenge of a later period cannot be had; of an earlier one it expires.
    const service = app.get(JoinWorkService);
    const old = service.challenge(row, clock.at - 2 * JOIN_WORK_PERIOD_MS).challenge;
    const expired = await join(community, {
      commitment,
      workChallenge: old,
      workNonce: solve(old),
    });
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('JOIN_WORK_EXPIRED');
    const future = service.challenge(row, clock.at + 2 * JOIN_WORK_PERIOD_MS).challenge;
    const ahead = await join(community, {
      commitment,
      workChallenge: future,
      workNonce: solve(future),
    });
    expect(ahead.status).toBe(403);

    const malformed = await join(community, {
      commitment,
      workChallenge: challenge,
      workNonce: '007',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
    expect(await members(community)).toBe(0);

    // The previous period's challenge is still good: a slow solver is not turned away.
    const previous = service.challenge(row, clock.at - JOIN_WORK_PERIOD_MS).challenge;
    await join(community, {
      commitment,
      workChallenge: previous,
      workNonce: solve(previous),
    }).expect(201);
  });

  it('asks no work of a community with difficulty 0, nor of an INVITE community', async () => {
    const open = await communityAsking(0);
    expect((await challengeOf(open)).difficulty).toBe(0);
    await join(open, { commitment: commitmentOf(createIdentity()) }).expect(201);

    const invite = await communityAsking(DIFFICULTY, 'INVITE');
    expect((await challengeOf(invite)).difficulty).toBe(0);
    const { codes } = (
      await request(server())
        .post(`/communities/${invite.slug}/invites`)
        .set(operator)
        .send({ count: 1, expiresInHours: 1 })
        .expect(201)
    ).body as { codes: string[] };
    await join(invite, { commitment: commitmentOf(createIdentity()), inviteCode: codes[0] }).expect(
      201,
    );
  });

  it('refuses a difficulty outside 0 to 32, or null', async () => {
    const community = await communityWithMembers(app, []);
    for (const joinWorkDifficulty of [-1, 33, 1.5, null, '8']) {
      const refused = await request(server())
        .patch(`/communities/${community.slug}`)
        .set(operator)
        .send({ joinWorkDifficulty });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
