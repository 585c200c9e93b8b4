import type { INestApplication } from '@nestjs/common';
import { httpSource, verifyExport } from '@bridgenotes/open-data';
import { currentTestRun } from '@bridgenotes/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';

// Making the demo's 44 proofs takes about a minute and a half on an idle machine (measured: 6 to
// 8 minutes on a 2-core machine at load 15–25), so this suite waits for it.
jest.setTimeout(60 * 60_000);

const ROOT = join(__dirname, '../../../../..');
const slug = 'demo';
const POSTS = {
  helpful: { url: 'https://example.com/news/2026/11/city-bridge-closed' },
  notHelpful: { platform: 'mastodon', externalId: '113456789012345678' },
  needsRatings: { platform: 'mastodon', externalId: '113456789099999999' },
};

/** `npm run db:seed`, exactly as `npm start` runs it, against this test run's database. */
async function seed(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['prisma/seed.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: currentTestRun().databaseUrl,
        TSX_TSCONFIG_PATH: 'tsconfig.base.json',
      },
    },
  );
  return stdout;
}

// The seed runs as its own process, as `npm start` runs it: the embedded pass serves its one
// database session to this process only, so the seed is tested on the servers.
const onServers = currentTestRun().embedded ? describe.skip : describe;

onServers('the seeded demo community and the landing page', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    process.stdout.write(await seed());
  });

  afterAll(async () => {
    await app.close();
  });

  const notesOnPost = async (post: (typeof POSTS)[keyof typeof POSTS]) =>
    (
      await request(app.getHttpServer())
        .get('/posts')
        .query({ community: slug, ...post })
        .expect(200)
    ).body.notes as {
      text: string;
      status: string;
      score: { decidedBy: string };
      explanation: { headline: string; detail: string };
    }[];

  it('shows a note the scorer itself rated helpful, one not helpful and one needing ratings', async () => {
    const [helpful] = await notesOnPost(POSTS.helpful);
    expect(helpful).toMatchObject({
      status: 'CURRENTLY_RATED_HELPFUL',
      score: { decidedBy: 'OpinionGroupsCRH' },
      explanation: { headline: 'Rated helpful by people who usually disagree' },
    });
    const [notHelpful] = await notesOnPost(POSTS.notHelpful);
    expect(notHelpful).toMatchObject({
      status: 'CURRENTLY_RATED_NOT_HELPFUL',
      score: { decidedBy: 'OpinionGroupsCRNH' },
    });
    const [waiting] = await notesOnPost(POSTS.needsRatings);
    expect(waiting.status).toBe('NEEDS_MORE_RATINGS');
    expect(waiting.explanation.detail).toMatch(
      /^It needs 3 more helpful ratings from members who usually see things differently/,
    );
    const runs = (
      await request(app.getHttpServer()).get(`/communities/${slug}/scoring-runs`).expect(200)
    ).body.items as { regime: string; status: string }[];
    expect(runs.map((run) => [run.status, run.regime])).toEqual([
      ['SUCCEEDED', 'small-community'],
      ['SUCCEEDED', 'small-community'],
    ]);
  });

  it('verifies clean: every proof, the root history and the recomputed run and regime', async () => {
    const report = await verifyExport(httpSource(baseUrl, slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 12, notes: 5, ratings: 39, runs: 2 },
      proofs: { checked: 44, groth16Verified: 44 },
      run: { recomputed: true, notesCompared: 5 },
    });
  });

  it('seeds once: a second start leaves the demo as it is', async () => {
    expect(await seed()).toContain('demo community already present; nothing seeded');
  });
});

describe('the API root', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves a landing page at the API root with links to the demo, the reference and the docs', async () => {
    const page = await request(app.getHttpServer()).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    for (const link of [
      'href="/demo"',
      'href="/docs"',
      'href="/console"',
      'href="/admin/queues"',
    ]) {
      expect(page.text).toContain(link);
    }
  });
});
