import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import {
  helpfulRatingsNeeded,
  MAX_RATINGS_NEEDED,
  OPINION_GROUP_PARAMETERS,
} from '@bridgenotes/scoring';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { publishScoringRun } from '../../testing/scoring';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { CONSOLE_CONTENT_SECURITY_POLICY } from './console-page';

describe('the operator console', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await createCommunity(prisma, 3);
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/members/batch`)
      .set(operator)
      .send({ commitments: ['11', '12'] })
      .expect(201);
    await publishScoringRun(prisma, community.id);
    const notes = await prisma.note.findMany({
      where: { communityId: community.id },
      orderBy: { text: 'asc' },
    });
    // A run over three unrated notes scores none: give two of them a run's figures.
    await prisma.note.update({
      where: { id: notes[0]?.id },
      data: { status: 'CURRENTLY_RATED_HELPFUL', score: { intercept: 0.45, factor: -0.1 } },
    });
    await prisma.note.update({
      where: { id: notes[1]?.id },
      data: { score: { intercept: 0.1, factor: 0.3 } },
    });
    await prisma.note.update({ where: { id: notes[2]?.id }, data: { deletedAt: new Date() } });
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it("gives the operator the community's aggregates and nothing about anyone", async () => {
    // The growth's days are those of the roots' times (UTC), as stored, not this test's clock:
    // the two differ when the run crosses midnight. Each day shows its largest group.
    const roots = await prisma.groupRoot.findMany({
      where: { communityId: community.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(roots.at(-1)?.size).toBe(2);
    const largest = new Map<string, number>();
    for (const { createdAt, size } of roots) {
      const day = createdAt.toISOString().slice(0, 10);
      largest.set(day, Math.max(size, largest.get(day) ?? 0));
    }
    const memberGrowth = [...largest].map(([day, size]) => ({ day, size }));
    const run = await prisma.scoringRun.findFirstOrThrow({
      where: { communityId: community.id, status: 'SUCCEEDED' },
    });
    const response = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/overview`)
      .set(operator)
      .expect(200);
    expect(response.body).toEqual({
      latestRunFinishedAt: run.finishedAt?.toISOString(),
      regime: 'small-community',
      statusCounts: {
        NEEDS_MORE_RATINGS: 1,
        CURRENTLY_RATED_HELPFUL: 1,
        CURRENTLY_RATED_NOT_HELPFUL: 0,
      },
      notes: expect.arrayContaining([
        { intercept: 0.45, factor: -0.1, status: 'CURRENTLY_RATED_HELPFUL' },
        { intercept: 0.1, factor: 0.3, status: 'NEEDS_MORE_RATINGS' },
      ]),
      thresholds: {
        helpfulIntercept: 0.4,
        helpfulMaxFactor: 0.5,
        notHelpfulIntercept: -0.05,
        notHelpfulFactorSlope: -0.8,
      },
      // The figures' notes carry no opinion groups' tallies: none of them is on that side.
      groupNotes: [],
      groupRule: { minRatingsPerGroup: 3, share: 0.5, z: 1, maxHelpfulNeeded: 50 },
      // Nobody rated: the small-community regime decided without a viewpoint fit, so no group.
      raterFactors: {
        min: -1,
        max: 1,
        counts: new Array(20).fill(0),
        groups: { sizes: [0, 0], margin: 0 },
      },
      memberCount: 2,
      memberGrowth,
    });
    expect(response.body.notes).toHaveLength(2);
    expect(JSON.stringify(response.body)).not.toMatch(/pseudonym|commitment|"id"/i);
  });

  it("shows a small community's run by what decided it: each opinion group's ratings and the groups' sizes", async () => {
    // Two camps, 7 and 5 raters: each rates all four notes, a bridging one (all helpful), one
    // helpful to each camp only, and one nobody found helpful. The larger camp is group A.
    const camps = await createCommunity(prisma, 4);
    const notes = await prisma.note.findMany({
      where: { communityId: camps.id },
      orderBy: { text: 'asc' },
    });
    await prisma.note.updateMany({
      where: { communityId: camps.id },
      data: { classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING' },
    });
    const raters = [
      ...Array.from({ length: 7 }, (_, i) => ({ pseudonym: String(3_000 + i), camp: 0 })),
      ...Array.from({ length: 5 }, (_, i) => ({ pseudonym: String(4_000 + i), camp: 1 })),
    ];
    // Per note, the rating each camp gives.
    const verdicts = [
      ['HELPFUL', 'HELPFUL'],
      ['HELPFUL', 'NOT_HELPFUL'],
      ['NOT_HELPFUL', 'HELPFUL'],
      ['NOT_HELPFUL', 'NOT_HELPFUL'],
    ] as const;
    // Each with two tags, as a verdict needs (its raters agree on why).
    const tags = {
      HELPFUL: ['CLEAR', 'GOOD_SOURCES'],
      NOT_HELPFUL: ['INCORRECT', 'SOURCES_MISSING_OR_UNRELIABLE'],
    };
    await prisma.rating.createMany({
      data: notes.flatMap((note, n) =>
        raters.map(({ pseudonym, camp }) => ({
          communityId: camps.id,
          noteId: note.id,
          raterPseudonym: pseudonym,
          helpfulness: verdicts[n]?.[camp] ?? 'HELPFUL',
          tags: tags[verdicts[n]?.[camp] ?? 'HELPFUL'],
          clientMinute: 1,
          proof: { points: [] },
        })),
      ),
    });
    await publishScoringRun(prisma, camps.id);

    const response = await request(app.getHttpServer())
      .get(`/communities/${camps.slug}/overview`)
      .set(operator)
      .expect(200);
    const body = response.body;
    expect(body.regime).toBe('small-community');
    const sizes = [7, 5];
    const tally = (group: number, verdict: string) => {
      const ratings = sizes[group] as number;
      const helpful = verdict === 'HELPFUL' ? ratings : 0;
      const needed = helpfulRatingsNeeded(helpful, ratings, OPINION_GROUP_PARAMETERS);
      return {
        ratings,
        helpful,
        somewhatHelpful: 0,
        notHelpful: ratings - helpful,
        helpfulShare: helpful / ratings,
        helpfulNeededToPass: needed > MAX_RATINGS_NEEDED ? null : needed,
      };
    };
    // The status each note is shown with now (stabilisation may hold a helpful one back).
    const shown = await prisma.note.findMany({
      where: { communityId: camps.id },
      orderBy: { text: 'asc' },
      select: { status: true },
    });
    expect(body.groupNotes).toHaveLength(4);
    expect(body.groupNotes).toEqual(
      expect.arrayContaining(
        verdicts.map(([a, b], n) => ({
          status: shown[n]?.status,
          groups: [tally(0, a), tally(1, b)],
        })),
      ),
    );
    // The groups' own viewpoint fit: every rater has a factor, each camp on its side.
    const counts = body.raterFactors.counts as number[];
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(body.raterFactors.groups.sizes).toEqual(sizes);
    expect(body.raterFactors.groups.margin).toBeGreaterThan(0);
    const half = counts.length / 2;
    expect(counts.slice(0, half).reduce((a, b) => a + b, 0)).toBe(7);
    expect(JSON.stringify(body)).not.toMatch(/pseudonym|commitment|"id"|"(300|400)\d"/i);

    // An hour later, past the stabilisation hold, a run shows the verdicts. The operator sees
    // each group's figure whatever the note's status (the note nobody found helpful has one in
    // each group); a reader's explanation of the same note asks for helpful ratings only while
    // it needs them, and for none once it is rated.
    await publishScoringRun(prisma, camps.id, Date.now() + 2 * 3_600_000);
    const later = (
      await request(app.getHttpServer())
        .get(`/communities/${camps.slug}/overview`)
        .set(operator)
        .expect(200)
    ).body as { groupNotes: { status: string; groups: { helpfulNeededToPass: number }[] }[] };
    const figures = (status: string) =>
      later.groupNotes
        .filter((n) => n.status === status)
        .map((n) => n.groups.map((g) => g.helpfulNeededToPass));
    expect(figures('CURRENTLY_RATED_NOT_HELPFUL')).toEqual([
      [tally(0, 'NOT_HELPFUL').helpfulNeededToPass, tally(1, 'NOT_HELPFUL').helpfulNeededToPass],
    ]);
    expect(tally(0, 'NOT_HELPFUL').helpfulNeededToPass).toBeGreaterThan(0);
    for (const note of notes) {
      const read = await request(app.getHttpServer())
        .get(`/communities/${camps.slug}/notes/${note.id}`)
        .expect(200);
      const stored = (read.body.score as { missing: { helpfulNeeded: (number | null)[] } }).missing;
      expect(
        read.body.explanation.viewpoints.map(
          (side: { helpfulRatingsNeeded: number | null }) => side.helpfulRatingsNeeded,
        ),
      ).toEqual(read.body.status === 'NEEDS_MORE_RATINGS' ? stored.helpfulNeeded : [0, 0]);
    }
  });

  it('says what an old run recorded: no histogram, or factors without the opinion groups', async () => {
    const overviewOf = async (slug: string) =>
      (
        await request(app.getHttpServer())
          .get(`/communities/${slug}/overview`)
          .set(operator)
          .expect(200)
      ).body;
    const fresh = await createCommunity(prisma, 0);
    expect(await overviewOf(fresh.slug)).toMatchObject({
      latestRunFinishedAt: null,
      regime: null,
      raterFactors: null,
    });
    // A run stored before runs recorded their regime and the histogram: both columns null.
    const before = await createCommunity(prisma, 0);
    const finishedAt = new Date('2026-11-25T10:00:00.000Z');
    await prisma.scoringRun.create({
      data: { communityId: before.id, status: 'SUCCEEDED', finishedAt },
    });
    expect(await overviewOf(before.slug)).toMatchObject({
      latestRunFinishedAt: finishedAt.toISOString(),
      regime: null,
      raterFactors: null,
    });
    // A small-community run stored before the publisher recorded the groups: its histogram is
    // the Core's final round (`{ min, max, counts }`), without `groups`.
    const older = await createCommunity(prisma, 0);
    const counts = [0, 1, 2, 0];
    await prisma.scoringRun.create({
      data: {
        communityId: older.id,
        status: 'SUCCEEDED',
        finishedAt,
        regime: 'small-community',
        raterFactorHistogram: { min: -1, max: 1, counts },
      },
    });
    expect(await overviewOf(older.slug)).toMatchObject({
      latestRunFinishedAt: finishedAt.toISOString(),
      regime: 'small-community',
      raterFactors: { min: -1, max: 1, counts, groups: null },
    });
  });

  it('documents the overview and the runs with the types they answer', async () => {
    const { schemas } = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body
      .components;
    const regime = { type: 'string', enum: ['core', 'small-community'], nullable: true };
    expect(schemas.CommunityOverviewDto.properties).toMatchObject({
      latestRunFinishedAt: { type: 'string', format: 'date-time', nullable: true },
      regime,
    });
    expect(schemas.ScoringRunDto.properties.regime).toMatchObject(regime);
    expect(schemas.GroupRatingsDto.properties.helpfulNeededToPass).toMatchObject({
      type: 'number',
      nullable: true,
    });
    expect(schemas.GroupRatingsDto.properties).not.toHaveProperty('helpfulNeeded');
    expect(schemas.OpinionGroupRuleDto.properties.maxHelpfulNeeded).toMatchObject({
      type: 'number',
    });
    expect(schemas.ViewpointRatingsDto.properties.helpfulRatingsNeeded).toMatchObject({
      type: 'number',
      nullable: true,
    });
  });

  it.each([
    ['no key', {}, 401, 'MODERATOR_KEY_INVALID'],
    ['a wrong key', { Authorization: 'Bearer not-the-key' }, 401, 'MODERATOR_KEY_INVALID'],
  ])('refuses %s', async (_, headers, status, code) => {
    const response = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/overview`)
      .set(headers)
      .expect(status);
    expect(response.body.code).toBe(code);
  });

  it("admits a moderator of the community, and not another community's", async () => {
    const other = await createCommunity(prisma);
    const issue = async (slug: string) =>
      (
        await request(app.getHttpServer())
          .post(`/communities/${slug}/moderator-keys`)
          .set(operator)
          .send({ label: 'Ana' })
          .expect(201)
      ).body.secret as string;
    const own = await issue(community.slug);
    const foreign = await issue(other.slug);
    const path = `/communities/${community.slug}/overview`;
    await request(app.getHttpServer())
      .get(path)
      .set({ Authorization: `Bearer ${own}` })
      .expect(200);
    const refused = await request(app.getHttpServer())
      .get(path)
      .set({ Authorization: `Bearer ${foreign}` })
      .expect(401);
    expect(refused.body.code).toBe('MODERATOR_KEY_INVALID');
  });

  it('answers an unknown community with 404 and a bad slug with 400', async () => {
    const missing = await request(app.getHttpServer())
      .get('/communities/no-such-community/overview')
      .set(operator)
      .expect(404);
    expect(missing.body.code).toBe('COMMUNITY_NOT_FOUND');
    const bad = await request(app.getHttpServer())
      .get('/communities/Not_A_Slug/overview')
      .set(operator)
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('tells the operator key from any other at sign-in', async () => {
    await request(app.getHttpServer())
      .get('/operator/session')
      .set(operator)
      .expect(200, { role: 'operator' });
    const wrong = await request(app.getHttpServer())
      .get('/operator/session')
      .set({ Authorization: 'Bearer nope' })
      .expect(401);
    expect(wrong.body.code).toBe('OPERATOR_KEY_INVALID');
  });

  it('serves the page under a policy that admits only its own origin', async () => {
    const page = await request(app.getHttpServer()).get('/console').expect(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(page.text).toContain('<script src="/console/console.js" defer></script>');
    expect(page.text).not.toMatch(/<script>|<style>|https?:\/\//);
    // Only the bundle's two files; from source (no build) neither exists, so this 404 holds
    // either way: console.e2e checks it against the built API, where the bundle is.
    const other = await request(app.getHttpServer()).get('/console/other.js').expect(404);
    expect(other.body.code).toBe('NOT_FOUND');
  });
});
