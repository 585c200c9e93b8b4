import type { INestApplication } from '@nestjs/common';
import {
  RUN_FAILURES,
  RunFailureCode,
  type PrismaClient,
  type ScoringRun,
} from '@bridgenotes/database';
import { JobName, JobQueue, QueueName, queueToken, ScoreCommunityJob } from '@bridgenotes/queue';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

describe('scoring runs', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await createCommunity(prisma);
    // Traffic comes once the instance is ready, whose check counts jobs through the connection
    // the API enqueues with. A first request on a queue still connecting could outlast the
    // service's enqueue timeout (3 s) and get its 503 QUEUE_UNAVAILABLE: it did in `npm test`'s
    // embedded pass at load 20, the in-memory database busy.
    await eventually(() => request(app.getHttpServer()).get('/ready').expect(200));
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const runsOf = (communityId: string) => prisma.scoringRun.count({ where: { communityId } });

  describe('POST /communities/:slug/scoring-runs', () => {
    it('records a queued run and enqueues a job whose id is the run id', async () => {
      const response = await request(app.getHttpServer())
        .post(`/communities/${community.slug}/scoring-runs`)
        .set(operator)
        .expect(202);
      expect(response.body).toMatchObject({
        id: expect.any(String),
        communityId: community.id,
        status: 'QUEUED',
        attempts: 0,
        startedAt: null,
        noteCount: null,
      });

      const queue = app.get<JobQueue<ScoreCommunityJob>>(queueToken(QueueName.Scoring));
      const job = await queue.getJob(response.body.id);
      expect(job?.name).toBe(JobName.ScoreCommunity);
      expect(job?.data).toEqual({ communityId: community.id, runId: response.body.id });
      // The run names its job, for the worker to follow (OrphanedRunsWatcher); no answer shows it.
      expect(await prisma.scoringRun.findUnique({ where: { id: response.body.id } })).toMatchObject(
        { jobId: response.body.id },
      );
      expect(response.body).not.toHaveProperty('jobId');
    });

    it.each([
      ['no key', {}],
      ['a wrong key', { Authorization: 'Bearer not-the-key' }],
      ['a malformed header', { Authorization: OPERATOR_KEY }],
    ])('refuses %s with 401 and records nothing', async (_, headers) => {
      const before = await runsOf(community.id);
      const response = await request(app.getHttpServer())
        .post(`/communities/${community.slug}/scoring-runs`)
        .set(headers)
        .expect(401);
      expect(response.body).toMatchObject({ statusCode: 401, code: 'OPERATOR_KEY_INVALID' });
      expect(await runsOf(community.id)).toBe(before);
    });

    it('answers 404 for an unknown community', async () => {
      const response = await request(app.getHttpServer())
        .post('/communities/no-such-community/scoring-runs')
        .set(operator)
        .expect(404);
      expect(response.body).toMatchObject({
        code: 'COMMUNITY_NOT_FOUND',
        message: 'No community with slug "no-such-community"',
      });
    });

    it('answers 400 naming the field for a malformed slug', async () => {
      const response = await request(app.getHttpServer())
        .post('/communities/Not_A_Slug/scoring-runs')
        .set(operator)
        .expect(400);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'slug', problems: [expect.stringMatching(/^slug must be/)] }],
      });
    });
  });

  describe('with operator endpoints disabled', () => {
    let closed: INestApplication;

    beforeAll(async () => {
      closed = await createTestApp({ OPERATOR_API_KEY_SHA256: undefined });
    });

    afterAll(() => closed.close());

    it('answers 403 OPERATOR_DISABLED even to a key that would otherwise be right', async () => {
      const response = await request(closed.getHttpServer())
        .post(`/communities/${community.slug}/scoring-runs`)
        .set(operator)
        .expect(403);
      expect(response.body.code).toBe('OPERATOR_DISABLED');
    });
  });

  // With the queues in PostgreSQL, the queue is away only when the database is.
  (currentTestRun().queueBackend === 'redis' ? describe : describe.skip)(
    'while Redis is unreachable',
    () => {
      let offline: INestApplication;

      beforeAll(async () => {
        // Port 9 (discard) is closed on loopback: every connection is refused at once.
        offline = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:9' });
      });

      afterAll(() => offline.close());

      it('answers 503 QUEUE_UNAVAILABLE and leaves no run behind', async () => {
        const before = await runsOf(community.id);
        const response = await request(offline.getHttpServer())
          .post(`/communities/${community.slug}/scoring-runs`)
          .set(operator)
          .expect(503);
        expect(response.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
        expect(await runsOf(community.id)).toBe(before);
      });
    },
  );

  describe('GET /scoring-runs/:id', () => {
    it('returns a run', async () => {
      const run = await prisma.scoringRun.create({ data: { communityId: community.id } });
      const response = await request(app.getHttpServer())
        .get(`/scoring-runs/${run.id}`)
        .expect(200);
      expect(response.body).toMatchObject({
        id: run.id,
        status: 'QUEUED',
        requestedAt: run.requestedAt.toISOString(),
      });
    });

    it("answers a failed run's reason as its code and the code's fixed message", async () => {
      const own = await createCommunity(prisma);
      const failed = await Promise.all(
        Object.values(RunFailureCode).map((errorCode) =>
          prisma.scoringRun.create({
            data: { communityId: own.id, status: 'FAILED', finishedAt: new Date(), errorCode },
          }),
        ),
      );
      const worker = failed.find((run) => run.errorCode === 'WORKER_ERROR') as ScoringRun;
      const one = await request(app.getHttpServer()).get(`/scoring-runs/${worker.id}`).expect(200);
      expect(one.body).toMatchObject({
        status: 'FAILED',
        errorCode: 'WORKER_ERROR',
        error:
          "The worker's last attempt failed with an error; the operator finds its text in the worker's log",
      });
      const listed = await request(app.getHttpServer())
        .get(`/communities/${own.slug}/scoring-runs`)
        .expect(200);
      expect(
        Object.fromEntries(
          listed.body.items.map((run: { id: string; errorCode: string; error: string }) => [
            run.id,
            [run.errorCode, run.error],
          ]),
        ),
      ).toEqual(
        Object.fromEntries(
          failed.map((run) => [
            run.id,
            [run.errorCode, RUN_FAILURES[run.errorCode as RunFailureCode]],
          ]),
        ),
      );
      const queued = await prisma.scoringRun.create({ data: { communityId: own.id } });
      expect(
        (await request(app.getHttpServer()).get(`/scoring-runs/${queued.id}`).expect(200)).body,
      ).toMatchObject({ errorCode: null, error: null });
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const missing = await request(app.getHttpServer())
        .get(`/scoring-runs/${randomUUID()}`)
        .expect(404);
      expect(missing.body.code).toBe('SCORING_RUN_NOT_FOUND');
      const malformed = await request(app.getHttpServer()).get('/scoring-runs/42').expect(400);
      expect(malformed.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'id must be a UUID',
      });
    });
  });

  describe('GET /communities/:slug/scoring-runs', () => {
    it('pages through runs, newest first, without gaps or repeats', async () => {
      const own = await createCommunity(prisma);
      const created = [];
      for (let index = 0; index < 5; index += 1) {
        created.push(
          await prisma.scoringRun.create({
            data: { communityId: own.id, requestedAt: new Date(Date.UTC(2026, 0, 1, 0, index)) },
          }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: request.Response = await request(app.getHttpServer())
          .get(`/communities/${own.slug}/scoring-runs`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...response.body.items.map((run: { id: string }) => run.id));
        cursor = response.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(created.reverse().map((run) => run.id));
    });

    it('rejects unknown query parameters, bad limits and forged cursors', async () => {
      const server = app.getHttpServer();
      const unknown = await request(server)
        .get(`/communities/${community.slug}/scoring-runs?sort=asc`)
        .expect(400);
      expect(unknown.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'property sort should not exist',
      });
      const limit = await request(server)
        .get(`/communities/${community.slug}/scoring-runs?limit=0`)
        .expect(400);
      expect(limit.body.message).toBe('limit must be from 1 to 100');
      const forged = Buffer.from('yesterday|x').toString('base64url');
      const cursor = await request(server)
        .get(`/communities/${community.slug}/scoring-runs?cursor=${forged}`)
        .expect(400);
      expect(cursor.body.code).toBe('CURSOR_INVALID');
    });
  });

  describe('GET /scoring-runs/:id/scores', () => {
    async function finishedRun(noteCount: number) {
      const post = await prisma.post.create({
        data: { platform: 'test', externalId: randomUUID() },
      });
      const notes = [];
      for (let index = 0; index < noteCount; index += 1) {
        notes.push(
          await prisma.note.create({
            data: {
              communityId: community.id,
              postId: post.id,
              authorPseudonym: String(index + 1),
              classification: 'NOT_MISLEADING',
              reasons: [],
              text: 'scored',
              sources: [],
            },
          }),
        );
      }
      const run = await prisma.scoringRun.create({
        data: { communityId: community.id, status: 'SUCCEEDED', noteCount },
      });
      return { run, notes };
    }

    it("pages through a run's per-note results in note id order", async () => {
      const { run, notes } = await finishedRun(3);
      await prisma.noteScore.createMany({
        data: notes.map((note, index) => ({
          runId: run.id,
          noteId: note.id,
          status: index === 0 ? 'CURRENTLY_RATED_HELPFUL' : 'NEEDS_MORE_RATINGS',
          score: { intercept: index / 10 },
        })),
      });
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const response: request.Response = await request(app.getHttpServer())
          .get(`/scoring-runs/${run.id}/scores`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...response.body.items);
        cursor = response.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(
        notes
          .map((note, index) => ({
            noteId: note.id,
            status: index === 0 ? 'CURRENTLY_RATED_HELPFUL' : 'NEEDS_MORE_RATINGS',
            score: { intercept: index / 10 },
          }))
          .sort((a, b) => a.noteId.localeCompare(b.noteId)),
      );
    });

    it('answers 410 when retention pruned the scores, 409 for an unfinished run', async () => {
      const { run } = await finishedRun(1);
      const pruned = await request(app.getHttpServer())
        .get(`/scoring-runs/${run.id}/scores`)
        .expect(410);
      expect(pruned.body.code).toBe('SCORES_PRUNED');
      const queued = await prisma.scoringRun.create({ data: { communityId: community.id } });
      const unfinished = await request(app.getHttpServer())
        .get(`/scoring-runs/${queued.id}/scores`)
        .expect(409);
      expect(unfinished.body.code).toBe('SCORING_RUN_NOT_FINISHED');
      const forged = await request(app.getHttpServer())
        .get(`/scoring-runs/${run.id}/scores?cursor=abc`)
        .expect(400);
      expect(forged.body.code).toBe('CURSOR_INVALID');
    });
  });

  describe('the queue dashboard at /admin/queues', () => {
    it('asks a browser for the operator key and shows Bull Board to the operator', async () => {
      const server = app.getHttpServer();
      const anonymous = await request(server).get('/admin/queues').expect(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="Bridgenotes operator"/);
      expect(anonymous.body.code).toBe('OPERATOR_KEY_INVALID');
      await request(server).get('/admin/queues').auth('operator', 'wrong-key').expect(401);

      const page = await request(server)
        .get('/admin/queues')
        .auth('operator', OPERATOR_KEY)
        .expect(200);
      expect(page.text).toMatch(/<title>Bridgenotes<\/title>|bull/i);
      const queues = await request(server)
        .get('/admin/queues/api/queues')
        .set(operator)
        .expect(200);
      expect(queues.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(
        Object.values(QueueName).sort(),
      );
      await request(server).get('/admin/queues/api/queues').expect(401);
    });
  });
});
