import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { httpSource, verifyExport } from '@bridgenotes/open-data';
import { DEFAULT_TOPIC_SEEDS } from '@bridgenotes/scoring';
import request from 'supertest';

import { atProcessTime } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import {
  backdateCommunity,
  communityWithMembers,
  createIdentity,
  postNote,
  prover,
  putRating,
  type TestCommunity,
} from '../../testing/members';
import { listenOnLoopback } from '../../testing/origin-and-mirror';
import { publishScoringRun } from '../../testing/scoring';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const OTHER_SEEDS = [{ topic: 'Elections', terms: ['ballot', 'polling station'] }];
const NOTE = {
  post: { url: 'https://example.com/story/ukraine-grain' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The grain convoy left Ukraine in May, see https://example.org/convoy',
  sources: ['https://example.org/convoy'],
};

/**
 * §8.6: a run scores with the community's topic seeds as it reads them, and its input hash
 * covers them. The operator may change them after it (PATCH); the export then carries the seeds
 * each run scored with, and the verifier recomputes the latest run with those, not with the
 * community's new ones.
 */
describe("the topic seeds of a run, in the export and the verifier's recomputation", () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let url: string;
  let community: TestCommunity;
  let runId: string;

  beforeAll(async () => {
    app = await createTestApp();
    url = await listenOnLoopback(app);
    prisma = createTestPrisma();
    const [author, rater] = [createIdentity(), createIdentity()];
    community = await communityWithMembers(app, [author, rater]);
    // The writes half an hour before the run, the run an hour ago: a run times after its writes.
    const runAt = Date.now() - HOUR;
    await backdateCommunity(prisma, community.id, 2 * HOUR);
    const prove = await prover(app, community);
    await atProcessTime(runAt - 30 * MINUTE, async () => {
      const noteId = await postNote(
        app,
        community.slug,
        await prove(author, 'note.create', '', NOTE),
      );
      const rating = await prove(rater, 'rating.put', `note:${noteId}`, {
        helpfulness: 'HELPFUL',
        tags: ['CLEAR'],
      });
      await putRating(app, community.slug, noteId, rating);
    });
    runId = await publishScoringRun(prisma, community.id, runAt);
    // Changed after the run: the next run, a full one, will read these.
    await request(app.getHttpServer())
      .patch(`/communities/${community.slug}`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ topicSeeds: OTHER_SEEDS })
      .expect(200);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('exports the seeds the run scored with beside the community’s current ones', async () => {
    const manifest = (
      await request(app.getHttpServer()).get(`/communities/${community.slug}/export`).expect(200)
    ).body;
    expect(manifest.community.topicSeeds).toEqual(OTHER_SEEDS);
    const runs = (
      await request(app.getHttpServer())
        .get(`/communities/${community.slug}/export/runs`)
        .expect(200)
    ).text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(runs).toEqual([expect.objectContaining({ id: runId, topicSeeds: DEFAULT_TOPIC_SEEDS })]);
  });

  it('recomputes the run with its own seeds: the seeds changed since are no discrepancy', async () => {
    const report = await verifyExport(httpSource(url, community.slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({ verdict: 'VERIFIED', run: { id: runId, recomputed: true } });
  });
});
