import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '@bridgenotes/config';
import {
  PrismaModule,
  PrismaService,
  ScoringRun,
  ScoringRunStatus,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import {
  JobName,
  JobQueue,
  JobWorker,
  JobWorkerOptions,
  openQueue,
  QueueModule,
  QueueName,
  type QueuedJob,
  ScoreCommunityJob,
  startWorker,
} from '@bridgenotes/queue';
import { ScoringInputLoader } from '@bridgenotes/scoring-store';
import { eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';

import { ownQueueSettings } from '../../testing/own-queue';
import { stageStanding } from '../../testing/staged-standing';
import { OrphanedRunsWatcher } from './orphaned-runs.watcher';
import { ScoreCommunityHandler } from './score-community.handler';
import { ScoringModule } from './scoring.module';

/**
 * Scoring runs whose job BullMQ failed for stalling, or lost: the worker's scoring module (its
 * handler, its watch over run jobs) on a queue of its own, with no BullMQ worker of the module's
 * own: each case takes the jobs with workers of its own configuration (a short lock, no stall
 * allowed), which run the module's handler, and have no failure hook, as when the process that
 * failed a job died before its hook ran or its hook's write failed.
 */
describe('scoring runs whose job will never finish them', () => {
  // No other spec's worker may take these jobs (and fail them with its own hook).
  const settings = ownQueueSettings('orphans');
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let queue: JobQueue<ScoreCommunityJob>;
  const workers: JobWorker<ScoreCommunityJob>[] = [];

  beforeAll(async () => {
    process.env['QUEUE_PREFIX'] = settings.prefix;
    process.env['SCORING_CRON'] = 'off';
    app = await (
      await Test.createTestingModule({
        imports: [
          ConfigModule,
          PrismaModule,
          QueueModule.forRoot({ role: 'consumer' }),
          ScoringModule,
        ],
      }).compile()
    ).init();
    prisma = app.get(PrismaService);
    queue = openQueue<ScoreCommunityJob>(QueueName.Scoring, { ...settings, role: 'producer' });
    // Every attempt hangs once it has started its run, as one blocked on a dead connection.
    jest
      .spyOn(app.get(ScoringInputLoader), 'load')
      .mockReturnValue(new Promise<never>(() => undefined));
  });

  afterAll(async () => {
    // Forced: their attempts never end.
    await Promise.all(workers.map((worker) => worker.close(true)));
    await queue?.obliterate({ force: true });
    await queue?.close();
    await app?.close();
  });

  /**
   * A worker of the test's own running the module's handler: no stall allowed, a lock of
   * `lockDuration`, found stalled within a second of running out.
   */
  function worker(options: JobWorkerOptions): JobWorker<ScoreCommunityJob> {
    const handler = app.get(ScoreCommunityHandler);
    const started = startWorker<ScoreCommunityJob>(
      QueueName.Scoring,
      (job, token) => handler.handle(job as QueuedJob<JobName.ScoreCommunity>, token),
      settings,
      { maxStalledCount: 0, stalledInterval: 500, ...options },
    );
    started.on('error', () => undefined);
    workers.push(started);
    return started;
  }

  async function community(): Promise<string> {
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug: `o-${id.slice(0, 8)}`, name: 'o', scope: communityScope(id).toString() },
    });
    return id;
  }

  /** Asks for a run of the community, as new ratings do, and waits for it to be running. */
  async function runningRun(communityId: string): Promise<{ run: ScoringRun; jobId: string }> {
    const job = await queue.add(JobName.ScoreCommunity, { communityId }, { jobId: randomUUID() });
    const running = await eventually(async () => {
      const [found] = await prisma.scoringRun.findMany({ where: { communityId } });
      if (found?.status !== ScoringRunStatus.RUNNING) throw new Error(`run is ${found?.status}`);
      return found;
    });
    // What its attempt had staged before it hung.
    await stageStanding(prisma, running.id);
    return { run: running, jobId: job.id as string };
  }

  /** No grace left: as if the run had been asked for an hour ago. */
  const ageRun = (runId: string) =>
    prisma.scoringRun.update({
      where: { id: runId },
      data: { requestedAt: new Date(Date.now() - 3_600_000) },
    });

  it('fails a run whose job stalled out, and clears what it staged', async () => {
    const communityId = await community();
    // The lock is never renewed, as by a process killed or blocked mid-run; two slots, so that
    // this worker takes the job back and BullMQ fails it at once (and runs no hook).
    const stalling = worker({ lockDuration: 1_000, skipLockRenewal: true, concurrency: 2 });
    const { run: running, jobId } = await runningRun(communityId);
    expect(running).toMatchObject({ attempts: 1, jobId });

    const failed = await eventually(async () => {
      const found = await prisma.scoringRun.findUniqueOrThrow({ where: { id: running.id } });
      if (found.status !== ScoringRunStatus.FAILED) throw new Error(`run is ${found.status}`);
      return found;
    });
    expect(failed.errorCode).toBe('STALLED');
    expect(failed.finishedAt).not.toBeNull();
    expect(await prisma.stagedStanding.count({ where: { runId: running.id } })).toBe(0);
    // BullMQ failed the job, with no attempt of the handler's after the first.
    const job = await queue.getJob(jobId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.failedReason).toBe('job stalled more than allowable limit');
    expect(failed.attempts).toBe(1);
    await stalling.close(true);
  });

  it('fails a run whose job stalled out while no worker had a free slot to fail it', async () => {
    const communityId = await community();
    // One slot, held by the hung attempt: BullMQ marks the job failed and puts it back to wait,
    // to be failed when a worker next takes it, which this one never does.
    const stalling = worker({ lockDuration: 1_000, skipLockRenewal: true, concurrency: 1 });
    const { run: running, jobId } = await runningRun(communityId);
    await eventually(async () => {
      const job = await queue.getJob(jobId);
      expect(job?.deferredFailure).toBe('job stalled more than allowable limit');
      expect(await job?.getState()).toBe('waiting');
    });
    // No event comes: the sweep (this one, or the minute's) fails the run.
    await app.get(OrphanedRunsWatcher).sweep();
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({
      status: ScoringRunStatus.FAILED,
      errorCode: 'STALLED',
    });
    expect(await prisma.stagedStanding.count({ where: { runId: running.id } })).toBe(0);
    await stalling.close(true);
  });

  it('leaves alone a run whose attempt holds its job lock, whatever the events and sweeps say', async () => {
    const communityId = await community();
    // The same short stall check, but a live lock: renewed every 5 s, far below any pause of a
    // loaded machine's event loop.
    const live = worker({ lockDuration: 10_000, concurrency: 1 });
    const { run: running, jobId } = await runningRun(communityId);
    await ageRun(running.id);
    const watcher = app.get(OrphanedRunsWatcher);

    // A failure event for the job (say a retried attempt's) and two sweeps: the job is active.
    await watcher.jobFailed(jobId);
    expect(await watcher.sweep()).not.toContain(running.id);
    expect(await watcher.sweep()).not.toContain(running.id);
    expect(await queue.getJobState(jobId)).toBe('active');
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({
      status: ScoringRunStatus.RUNNING,
      attempts: 1,
      errorCode: null,
    });
    expect(await prisma.stagedStanding.count({ where: { runId: running.id } })).toBe(1);
    await live.close(true);
  });

  it('fails a run whose job is no longer in the queue, once the run is older than its grace', async () => {
    const communityId = await community();
    const runs = app.get(ScoringRunStore);
    const runId = randomUUID();
    // A run started by a job since removed, or lost with the queue's data.
    await runs.request(communityId, runId, `gone-${runId}`);
    expect(await runs.start(runId, communityId)).toBe(1);
    await stageStanding(prisma, runId);
    const watcher = app.get(OrphanedRunsWatcher);

    // Just asked for: its job may be on its way (an operator's run is recorded first).
    expect(await watcher.sweep()).not.toContain(runId);
    expect((await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe(
      ScoringRunStatus.RUNNING,
    );

    await ageRun(runId);
    await watcher.sweep();
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: ScoringRunStatus.FAILED,
      errorCode: 'JOB_LOST',
    });
    expect(await prisma.stagedStanding.count({ where: { runId } })).toBe(0);
  });
});
