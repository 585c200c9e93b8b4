import type { INestApplication } from '@nestjs/common';
import { ScoringRunStore, type PrismaClient } from '@bridgenotes/database';
import { JobName, JobProducer, type JobData, type QueuedJob } from '@bridgenotes/queue';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

type ScoreData = JobData<JobName.ScoreCommunity>;

/**
 * A queue slow to confirm a job (the embedded PostgreSQL queue under load) may still have taken
 * it: the request must not remove a run a worker already started.
 */
describe('a run request the queue did not confirm in time', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await createCommunity(prisma);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
    await prisma.$disconnect();
  });

  /** The queue hands the job to `taken`, and confirms it only once `confirm` is called. */
  function slowQueue(taken: (data: ScoreData) => Promise<void>) {
    let confirm = () => undefined as void;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    jest.spyOn(app.get(JobProducer), 'enqueue').mockImplementationOnce(async (_name, data) => {
      await taken(data as ScoreData);
      await confirmed;
      return {} as QueuedJob<JobName>;
    });
    return { confirm };
  }

  it('answers 202 with the run a worker started, which stays', async () => {
    const runs = app.get(ScoringRunStore);
    let started: Promise<unknown> = Promise.resolve();
    const queue = slowQueue(async ({ runId, communityId }) => {
      // A throw here is the queue failing: the 503 this test refuses.
      if (runId === undefined) throw new Error('the job names no run');
      started = runs.start(runId, communityId);
      await started;
    });
    // The worker starts the run before the request gives up on the queue, however long the start
    // takes on a busy machine (the give-up waits a fixed time): the discard runs only after it.
    const discard = runs.discard.bind(runs);
    jest.spyOn(runs, 'discard').mockImplementationOnce(async (runId) => {
      await started.catch(() => undefined);
      return discard(runId);
    });
    const response = await request(app.getHttpServer())
      .post(`/communities/${community.slug}/scoring-runs`)
      .set(operator);
    queue.confirm();
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'RUNNING', attempts: 1 });
    expect(await prisma.scoringRun.findUnique({ where: { id: response.body.id } })).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
    });
  });

  it('answers 503 QUEUE_UNAVAILABLE and leaves no run when no worker took it', async () => {
    const before = await prisma.scoringRun.count({ where: { communityId: community.id } });
    const queue = slowQueue(async () => undefined);
    const response = await request(app.getHttpServer())
      .post(`/communities/${community.slug}/scoring-runs`)
      .set(operator);
    queue.confirm();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    expect(await prisma.scoringRun.count({ where: { communityId: community.id } })).toBe(before);
  });
});
