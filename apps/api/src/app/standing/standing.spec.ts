import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import { Environment } from '@bridgenotes/config';
import type { NoteStatus, PrismaClient } from '@bridgenotes/database';
import {
  DEFAULT_SEED,
  NoteStatus as CoreStatus,
  scoreNotes,
  shownStatus,
} from '@bridgenotes/scoring';
import { ScoringInputLoader } from '@bridgenotes/scoring-store';
import { httpSource, verifyExport } from '@bridgenotes/open-data';
import { CLOCK_SKEW_MINUTES } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { publishScoringRun, writeSynthetic } from '../../testing/scoring';
import { createTestApp } from '../../testing/test-app';

const HOUR = 3_600_000;
/** The synthetic raters and notes every community here is scored on. */
const RATERS = { seed: 11, raters: 200, notes: 60, ratings: 4_000 };
const note = (text: string) => ({
  post: { url: `https://example.com/standing/${encodeURIComponent(text)}` },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text,
  sources: ['https://example.org/source'],
});

const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

/**
 * Earned standing with real proofs, the real database and real scoring runs: a new pseudonym in
 * a community of synthetic raters earns in by rating, then its writing is locked and unlocked by
 * the statuses of the notes it wrote (the synthetic notes' authorship is handed to it, as if it
 * had written them, so the scorer decides them without hundreds of proofs).
 */
describe('earned standing', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  const member = createIdentity();
  let prove: Awaited<ReturnType<typeof prover>>;
  let pseudonym: string;
  let runAt = Date.now();
  let baseUrl: string;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [member], 'OPEN', { earnInImpact: 1 });
    await writeSynthetic(community.id, RATERS);
    prove = await prover(app, community);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const write = async (text: string, status: number) => {
    const proven = await prove(member, 'note.create', '', note(text));
    return request(server())
      .post(`/communities/${community.slug}/notes`)
      .send(body(proven))
      .expect(status);
  };

  const profile = async () =>
    (
      await request(server())
        .get(`/communities/${community.slug}/pseudonyms/${pseudonym}`)
        .expect(200)
    ).body;

  const score = async () => {
    runAt += 2 * HOUR;
    return publishScoringRun(prisma, community.id, runAt);
  };

  /** Synthetic notes by their published status, oldest first, that no test has used yet. */
  const used = new Set<string>();
  const notesWith = async (status: NoteStatus, count: number, after = new Date(0)) => {
    const found = await prisma.note.findMany({
      where: {
        communityId: community.id,
        status,
        text: 'synthetic',
        createdAt: { gt: after },
        id: { notIn: [...used] },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: count,
    });
    expect(found).toHaveLength(count);
    for (const { id } of found) used.add(id);
    return found;
  };

  it('has no earn-in in a community whose operator did not set one (nobody could earn it)', async () => {
    const fresh = await communityWithMembers(app, [], 'OPEN');
    const answered = await request(server()).get(`/communities/${fresh.slug}`).expect(200);
    expect(answered.body).toMatchObject({ earnInImpact: 0 });
    const stored = await prisma.community.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(stored.earnInImpact).toBe(0);
  });

  it('refuses a pseudonym that is no nullifier with 400, rather than answering zeros', async () => {
    const fresh = await communityWithMembers(app, [], 'OPEN');
    const ask = (value: string) =>
      request(server()).get(`/communities/${fresh.slug}/pseudonyms/${value}`);
    // `0123` was answered as a pseudonym that never acted: no proof gives that spelling.
    for (const spelled of ['0123', '00', (1n << 254n).toString()]) {
      const refused = await ask(spelled).expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.message).toMatch(/without leading zeros/);
    }
    expect((await ask('123').expect(200)).body).toMatchObject({
      pseudonym: '123',
      ratingImpact: 0,
    });
    expect((await ask('0').expect(200)).body).toMatchObject({ pseudonym: '0' });
  });

  it("refuses a new pseudonym's note until its rating impact reaches the earn-in, then takes it", async () => {
    // What the first run will decide, to rate a note before it is decided, as a member would.
    const nowMs = runAt + 2 * HOUR;
    const loaded = await new ScoringInputLoader(
      Object.assign(new Environment(), { DATABASE_URL: currentTestRun().databaseUrl }),
    ).load(community.id, nowMs);
    const dryRun = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
    const decided = loaded.input.noteIds.findIndex(
      (_, index) =>
        shownStatus(dryRun.finalStatus[index] as CoreStatus) === 'CURRENTLY_RATED_NOT_HELPFUL',
    );
    expect(decided).toBeGreaterThanOrEqual(0);
    const target = { id: loaded.input.noteIds[decided] as string };
    used.add(target.id);

    const rating = await prove(member, 'rating.put', `note:${target.id}`, {
      helpfulness: 'NOT_HELPFUL',
      tags: ['INCORRECT', 'MISSING_KEY_POINTS'],
    });
    // A pseudonym is the nullifier of any of the member's proofs in the community.
    pseudonym = rating.proof.nullifier;

    const refused = await write('before earning in', 403);
    expect(refused.body).toMatchObject({
      code: 'EARN_IN_REQUIRED',
      details: { reason: 'EARN_IN', ratingImpact: 0, required: 1 },
    });
    expect(refused.body.message).toMatch(/Rate notes that need ratings/);
    expect(await profile()).toMatchObject({ ratingImpact: 0, mayWrite: false, runId: null });

    await request(server())
      .put(`/communities/${community.slug}/notes/${target.id}/rating`)
      .send(body(rating))
      .expect(201);
    await score();
    expect((await prisma.note.findUniqueOrThrow({ where: { id: target.id } })).status).toBe(
      'CURRENTLY_RATED_NOT_HELPFUL',
    );
    expect(await profile()).toMatchObject({
      ratingImpact: 1,
      successfulRatings: 1,
      ratingCount: 1,
      mayWrite: true,
      writingRefusal: null,
    });

    const written = await write('after earning in', 201);
    expect(written.body.authorPseudonym).toBe(pseudonym);
    const listed = await profile();
    expect(listed.noteCount).toBe(1);
    expect(listed.notes.map((shown: { id: string }) => shown.id)).toEqual([written.body.id]);
  });

  it('locks writing after 3 of the last 5 decided notes are not helpful, and lifts it when newer ones are helpful', async () => {
    expect(pseudonym).toBeDefined();
    const notHelpful = await notesWith('CURRENTLY_RATED_NOT_HELPFUL', 3);
    await prisma.note.updateMany({
      where: { id: { in: notHelpful.map(({ id }) => id) } },
      data: { authorPseudonym: pseudonym },
    });
    await score();
    const locked = await profile();
    expect(locked).toMatchObject({ notesNotHelpful: 3, recentNotHelpful: 3, mayWrite: false });
    expect(locked.writingRefusal.code).toBe('WRITING_LOCKED');
    const refused = await write('while locked', 403);
    expect(refused.body).toMatchObject({
      code: 'WRITING_LOCKED',
      details: { reason: 'LOCKED', recentNotHelpful: 3, required: 1 },
    });

    const latest = notHelpful[notHelpful.length - 1]?.createdAt as Date;
    const helpful = await notesWith('CURRENTLY_RATED_HELPFUL', 3, latest);
    await prisma.note.updateMany({
      where: { id: { in: helpful.map(({ id }) => id) } },
      data: { authorPseudonym: pseudonym },
    });
    await score();
    const lifted = await profile();
    expect(lifted).toMatchObject({ notesHelpful: 3, recentNotHelpful: 2, mayWrite: true });
    expect(lifted.writingImpact).toBe(0);
    await write('after the lock lifted', 201);
  });

  it('is recomputed equal from the open data by the verifier, and a changed impact is named', async () => {
    // A run over everything, the last note included, as the next scheduled run would be.
    await score();
    const published = await prisma.pseudonymStanding.findMany({
      where: { communityId: community.id },
    });
    // Not a trivial comparison: many pseudonyms have earned or lost impact.
    expect(published.filter((row) => row.ratingImpact !== 0).length).toBeGreaterThan(50);
    const report = await verifyExport(httpSource(baseUrl, community.slug), { sample: 1 });
    expect(report.run).toMatchObject({ recomputed: true, standingsCompared: published.length });
    // The synthetic notes and ratings carry no proofs (the verifier says so), and the runs are
    // timed hours ahead of the clock to stand for time passing, which no worker's run is (the
    // verifier says so too); nothing else may differ: the run and every standing are recomputed
    // equal.
    const codes = new Set(report.discrepancies.map(({ code }) => code));
    expect(
      [...codes].filter((code) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN'),
    ).toEqual(['RUN_TIME_IMPLAUSIBLE']);

    await prisma.pseudonymStanding.update({
      where: { communityId_pseudonym: { communityId: community.id, pseudonym } },
      data: { ratingImpact: 99 },
    });
    const tampered = await verifyExport(httpSource(baseUrl, community.slug), { sample: 1 });
    expect(tampered.discrepancies).toContainEqual(
      expect.objectContaining({ code: 'STANDING_MISMATCH', subject: `pseudonym ${pseudonym}` }),
    );
  });

  it('counts nothing for a rating made once its note was decided and dated back before it, as the verifier recomputes', async () => {
    const follower = createIdentity();
    const fresh = await communityWithMembers(app, [follower], 'OPEN', { earnInImpact: 1 });
    await writeSynthetic(fresh.id, RATERS);
    // A run now decides notes; a member who sees one decided rates it as decided, dated back
    // nearly as far as the API accepts (CLOCK_SKEW_MINUTES; one minute less, so that the proof
    // is not stale by the time it arrives), minutes before the decision.
    const decidedAt = Date.now();
    await publishScoringRun(prisma, fresh.id, decidedAt);
    const decided = await prisma.note.findFirstOrThrow({
      where: { communityId: fresh.id, status: 'CURRENTLY_RATED_NOT_HELPFUL' },
    });
    const backdated = new Date(Date.now() - (CLOCK_SKEW_MINUTES - 1) * 60_000);
    expect(backdated.getTime()).toBeLessThan(decidedAt - 60_000);
    const rating = await (
      await prover(app, fresh)
    )(
      follower,
      'rating.put',
      `note:${decided.id}`,
      { helpfulness: 'NOT_HELPFUL', tags: ['INCORRECT', 'MISSING_KEY_POINTS'] },
      backdated,
    );
    await request(server())
      .put(`/communities/${fresh.slug}/notes/${decided.id}/rating`)
      .send(body(rating))
      .expect(201);
    await publishScoringRun(prisma, fresh.id, decidedAt + 2 * HOUR);
    expect((await prisma.note.findUniqueOrThrow({ where: { id: decided.id } })).status).toBe(
      'CURRENTLY_RATED_NOT_HELPFUL',
    );
    const follows = (
      await request(server())
        .get(`/communities/${fresh.slug}/pseudonyms/${rating.proof.nullifier}`)
        .expect(200)
    ).body;
    expect(follows).toMatchObject({ ratingCount: 1, ratingImpact: 0, mayWrite: false });

    const report = await verifyExport(httpSource(baseUrl, fresh.slug), { sample: 1 });
    const published = await prisma.pseudonymStanding.count({ where: { communityId: fresh.id } });
    expect(report.run).toMatchObject({ recomputed: true, standingsCompared: published });
    const codes = new Set(report.discrepancies.map(({ code }) => code));
    expect(
      [...codes].filter((code) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN'),
    ).toEqual(['RUN_TIME_IMPLAUSIBLE']);
  });
});
