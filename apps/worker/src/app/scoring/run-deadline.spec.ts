import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, Environment } from '@bridgenotes/config';
import {
  PrismaModule,
  PrismaService,
  RUN_FAILURE_TEXTS,
  runFailureReason,
  ScoringOutbox,
  ScoringRunStatus,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import {
  JobName,
  JobQueue,
  JobWorker,
  openQueue,
  QueueModule,
  QueueName,
  type QueuedJob,
  ScoreCommunityJob,
  startWorker,
} from '@bridgenotes/queue';
import {
  ScoringInputLoader,
  ScoringPublisher,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { currentTestRun, eventually, TcpProxy } from '@bridgenotes/testing';
import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ownQueueSettings } from '../../testing/own-queue';
import { stageStanding } from '../../testing/staged-standing';
import { OrphanedRunsWatcher } from './orphaned-runs.watcher';
import { ScoreCommunityHandler } from './score-community.handler';
import { ScoringEventsDispatcher } from './scoring-events.dispatcher';
import { ScoringLease } from './scoring-lease';
import { ScoringModule } from './scoring.module';

/** The runs' hard limit here: a few seconds, so that a hung run fails soon. */
const LIMIT_SECONDS = 3;

/**
 * A scoring run whose database connection hangs: the worker's scoring module on a queue of its
 * own, one BullMQ worker of one slot (the production default) running the module's handler with
 * its failure hook, and the load's connection through a TCP proxy that the test stalls (it stops
 * forwarding, and nothing errors) or cuts. The module's watch over runs looks at this spec's
 * runs only: the database is shared with other specs, whose runs may well be running longer
 * than this spec's limit.
 */
describe('a scoring run past its hard limit', () => {
  const run = currentTestRun();
  const settings = ownQueueSettings('deadline');
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let queue: JobQueue<ScoreCommunityJob>;
  let worker: JobWorker<ScoreCommunityJob>;
  let proxy: TcpProxy;

  beforeAll(async () => {
    process.env['QUEUE_PREFIX'] = settings.prefix;
    process.env['SCORING_CRON'] = 'off';
    process.env['SCORING_RUN_TIMEOUT_SECONDS'] = String(LIMIT_SECONDS);
    // A failed run's community is asked for again at the dispatcher's next pass.
    process.env['SCORING_DEBOUNCE_SECONDS'] = '0';
    process.env['SCORING_FULL_RUN_INTERVAL_SECONDS'] = '0';
    const target = new URL(run.databaseUrl);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    const proxied = new URL(run.databaseUrl);
    proxied.host = proxy.url;
    app = await (
      await Test.createTestingModule({
        imports: [
          ConfigModule,
          PrismaModule,
          QueueModule.forRoot({ role: 'consumer' }),
          ScoringModule,
        ],
      })
        // Only the load's own connection goes through the proxy.
        .overrideProvider(ScoringInputLoader)
        .useFactory({
          factory: (env: Environment) =>
            new ScoringInputLoader(
              Object.assign(Object.create(env) as Environment, {
                DATABASE_URL: proxied.toString(),
              }),
            ),
          inject: [Environment],
        })
        .compile()
    ).init();
    prisma = app.get(PrismaService);
    const runs = app.get(ScoringRunStore);
    const [overdue, pending] = [runs.overdue.bind(runs), runs.pending.bind(runs)];
    jest
      .spyOn(runs, 'overdue')
      .mockImplementation(async (...args) =>
        (await overdue(...args)).filter(({ runId }) => mine.has(runId) && !mine.untimed.has(runId)),
      );
    jest
      .spyOn(runs, 'pending')
      .mockImplementation(async (...args) =>
        (await pending(...args)).filter(({ runId }) => mine.has(runId)),
      );
    queue = openQueue<ScoreCommunityJob>(QueueName.Scoring, { ...settings, role: 'producer' });
    // As the worker runs its handlers (common/queue-workers.ts): one slot, the failure hook.
    const handler = app.get(ScoreCommunityHandler);
    worker = startWorker<ScoreCommunityJob>(
      QueueName.Scoring,
      (job, token) => handler.handle(job as QueuedJob<JobName.ScoreCommunity>, token),
      settings,
      { concurrency: 1 },
    );
    worker.on('error', () => undefined);
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final =
        error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      handler.failed(job as QueuedJob<JobName.ScoreCommunity>, error, final).catch(() => undefined);
    });
  });

  afterAll(async () => {
    // No more requests for the communities; the attempt under way, if any, ends within its
    // limit (a forced close would leave it running against a closed application).
    await app?.get(ScoringEventsDispatcher).beforeApplicationShutdown();
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await app?.close();
    await proxy?.close();
  });

  /** The runs of this spec's communities, as the watcher is let see them. */
  const mine = {
    ids: new Set<string>(),
    /** Runs whose case is not their limit: the watcher does not see them overdue. */
    untimed: new Set<string>(),
    has(runId: string): boolean {
      return this.ids.has(runId);
    },
  };

  async function community(): Promise<string> {
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug: `d-${id.slice(0, 8)}`, name: 'd', scope: communityScope(id).toString() },
    });
    const client = new Client({ connectionString: run.databaseUrl });
    await client.connect();
    try {
      await writeSyntheticCommunity(client, id, { seed: 5, raters: 20, notes: 10, ratings: 120 });
    } finally {
      await client.end();
    }
    return id;
  }

  /** Every run of the community so far, oldest first; each becomes the watcher's to see. */
  async function runsOf(communityId: string) {
    const runs = await prisma.scoringRun.findMany({
      where: { communityId },
      orderBy: { requestedAt: 'asc' },
    });
    for (const found of runs) mine.ids.add(found.id);
    return runs;
  }

  /** The community's first run once it has failed. */
  function failedRun(communityId: string) {
    return eventually(async () => {
      const [first] = await runsOf(communityId);
      if (first?.status !== ScoringRunStatus.FAILED) throw new Error(`run is ${first?.status}`);
      return first;
    });
  }

  /** Has the next load of the loader do `before` ahead of its ratings COPY (the notes read). */
  function beforeRatingsCopy(before: () => Promise<void>): void {
    const loader = app.get(ScoringInputLoader);
    const load = loader.load.bind(loader);
    jest.spyOn(loader, 'load').mockImplementationOnce((communityId, nowMs, options) =>
      load(communityId, nowMs, {
        ...options,
        beforeCopy: async (table, page) => {
          if (table === 'ratings' && page === 0) await before();
        },
      }),
    );
  }

  /**
   * Queues a run of the community and waits for it to fail past its limit (`TIMED_OUT`, its
   * first attempt): the attempt's own work, abandoned, ends with the limit's error, having never
   * called publish. Returns the run's job.
   */
  async function abandonedUnpublished(communityId: string) {
    const handler = app.get(ScoreCommunityHandler) as unknown as {
      attempt: (...args: unknown[]) => Promise<unknown>;
    };
    const attempts = jest.spyOn(handler, 'attempt');
    const publishing = jest.spyOn(app.get(ScoringPublisher), 'publish');
    try {
      const job = await queue.add(JobName.ScoreCommunity, { communityId }, { jobId: randomUUID() });
      const failed = await failedRun(communityId);
      expect(failed).toMatchObject({ errorCode: 'TIMED_OUT', attempts: 1, jobId: job.id });
      const abandoned = attempts.mock.results[0]?.value as Promise<unknown>;
      await expect(abandoned).rejects.toThrow(RUN_FAILURE_TEXTS.timedOut(failed.id, LIMIT_SECONDS));
      expect(publishing.mock.calls.filter(([run]) => run.runId === failed.id)).toEqual([]);
      return job;
    } finally {
      attempts.mockRestore();
      publishing.mockRestore();
    }
  }

  /** The community is asked for again: a second run recorded for it, by a new job. */
  async function askedForAgain(communityId: string, failedJobId: string): Promise<void> {
    await eventually(async () => {
      const runs = await runsOf(communityId);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs[1]?.jobId).not.toBe(failedJobId);
    });
  }

  it('fails a run whose load hangs on a stalled connection TIMED_OUT, frees its lease and slot, and asks for its community again', async () => {
    const communityId = await community();
    // The notes are read; the ratings' COPY goes into a connection that no longer answers.
    beforeRatingsCopy(() => proxy.stall());
    const job = await queue.add(JobName.ScoreCommunity, { communityId }, { jobId: randomUUID() });

    const failed = await failedRun(communityId);
    expect(failed).toMatchObject({ errorCode: 'TIMED_OUT', attempts: 1, jobId: job.id });
    const ranMs = (failed.finishedAt as Date).getTime() - (failed.startedAt as Date).getTime();
    expect(ranMs).toBeGreaterThanOrEqual(LIMIT_SECONDS * 1_000 - 50);
    // The lease is not the failed run's (the run asked for again may hold it by now).
    const { scoringLeaseOwner } = await prisma.community.findUniqueOrThrow({
      where: { id: communityId },
    });
    expect(scoringLeaseOwner).not.toBe(failed.id);
    const queued = await eventually(async () => {
      const found = await queue.getJob(job.id as string);
      expect(await found?.getState()).toBe('failed');
      return found;
    });
    expect(queued?.failedReason).toBe(runFailureReason('TIMED_OUT'));
    expect(queued?.attemptsMade).toBe(1);

    // The database answers again; the one slot is free, and its next job serves the community.
    await proxy.open();
    await askedForAgain(communityId, job.id as string);
  });

  it('stops the scoring of an attempt past its limit, which never reaches publication', async () => {
    const communityId = await community();
    const loader = app.get(ScoringInputLoader);
    const load = loader.load.bind(loader);
    // The load ends as the limit passes: the attempt is scoring when its signal aborts.
    jest.spyOn(loader, 'load').mockImplementationOnce(async (id, nowMs, options) => {
      const loaded = await load(id, nowMs, options);
      const signal = options?.signal;
      if (!signal) throw new Error('the load was given no signal');
      if (!signal.aborted) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      }
      return loaded;
    });
    // The abandoned attempt's own work ends with its limit, in its scoring, not at publication.
    const job = await abandonedUnpublished(communityId);
    await askedForAgain(communityId, job.id as string);
  });

  it('does not publish an attempt whose limit passes between its scoring and its publication', async () => {
    const communityId = await community();
    const lease = app.get(ScoringLease);
    const renew = lease.renew.bind(lease);
    // The lease renewed after scoring: it returns once the run has failed past its limit.
    const renewing = jest.spyOn(lease, 'renew').mockImplementation(async (held) => {
      if (held.communityId === communityId) await failedRun(communityId);
      return renew(held);
    });
    try {
      await abandonedUnpublished(communityId);
      expect(renewing).toHaveBeenCalled();
    } finally {
      renewing.mockRestore();
    }
  });

  it('fails a run whose connection is lost DATABASE_UNAVAILABLE, and asks for its community again', async () => {
    const communityId = await community();
    beforeRatingsCopy(async () => {
      await proxy.cut();
      await proxy.open();
    });
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId },
      { jobId: randomUUID(), attempts: 1 },
    );

    const failed = await failedRun(communityId);
    expect(failed).toMatchObject({ errorCode: 'DATABASE_UNAVAILABLE', attempts: 1 });
    const { scoringLeaseOwner } = await prisma.community.findUniqueOrThrow({
      where: { id: communityId },
    });
    expect(scoringLeaseOwner).not.toBe(failed.id);
    await askedForAgain(communityId, job.id as string);
  });

  it('records one failure and one request for the community when the failure hook and the watcher race', async () => {
    const communityId = await community();
    const runs = app.get(ScoringRunStore);
    const runId = randomUUID();
    mine.ids.add(runId);
    // A run whose attempt started long ago (by the database's clock), holding the lease, its
    // job active and hung.
    await runs.request(communityId, runId, `hung-${runId}`);
    expect(await runs.start(runId, communityId)).toBe(1);
    await prisma.$executeRaw`
      UPDATE scoring_runs SET started_at = now() - interval '1 hour' WHERE id = ${runId}::uuid`;
    expect(await app.get(ScoringLease).acquire(communityId, runId)).toBeDefined();
    await stageStanding(prisma, runId);
    const recording = jest.spyOn(app.get(ScoringOutbox), 'record');
    try {
      // The hung attempt's own deadline fires as the watcher's sweep finds the run overdue.
      const job = {
        data: { communityId, runId },
        attemptsMade: 1,
      } as unknown as QueuedJob<JobName.ScoreCommunity>;
      const timedOut = new UnrecoverableError(runFailureReason('TIMED_OUT'));
      const [, swept] = await Promise.all([
        app.get(ScoreCommunityHandler).failed(job, timedOut, true),
        app.get(OrphanedRunsWatcher).sweep(),
      ]);
      // And again, each: nothing more happens.
      await app.get(ScoreCommunityHandler).failed(job, timedOut, true);
      expect(await app.get(OrphanedRunsWatcher).sweep()).not.toContain(runId);

      const requests = recording.mock.calls.filter(
        ([, community, kind]) => community === communityId && kind === 'run.failed',
      );
      expect(requests).toHaveLength(1);
      expect(swept.filter((id) => id === runId).length).toBeLessThanOrEqual(1);
    } finally {
      recording.mockRestore();
    }
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: ScoringRunStatus.FAILED,
      errorCode: 'TIMED_OUT',
    });
    expect(await prisma.stagedStanding.count({ where: { runId } })).toBe(0);
    const { scoringLeaseOwner, scoringLeaseUntil } = await prisma.community.findUniqueOrThrow({
      where: { id: communityId },
    });
    expect(scoringLeaseOwner).not.toBe(runId);
    if (scoringLeaseOwner === null) expect(scoringLeaseUntil).toBeNull();
  });

  it('leaves alone a run past its limit whose job waits for its next attempt (a backoff, or its community busy)', async () => {
    const communityId = await community();
    const runs = app.get(ScoringRunStore);
    const runId = randomUUID();
    mine.ids.add(runId);
    // Its attempt started long ago, by the database's clock, and ended (failed, to be retried,
    // or found the community's lease held): BullMQ holds its job back until the next attempt,
    // whose start is the limit's new start.
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId, runId, full: false },
      { jobId: randomUUID(), delay: 3_600_000 },
    );
    await runs.request(communityId, runId, job.id as string);
    expect(await runs.start(runId, communityId)).toBe(1);
    await prisma.$executeRaw`
      UPDATE scoring_runs SET started_at = now() - interval '2 hours' WHERE id = ${runId}::uuid`;
    expect(await queue.getJobState(job.id as string)).toBe('delayed');

    expect(await app.get(OrphanedRunsWatcher).sweep()).not.toContain(runId);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: ScoringRunStatus.RUNNING,
      errorCode: null,
    });
    // Left to the queue (obliterated at the end), out of the other cases' sweeps.
    mine.untimed.add(runId);
  });

  /**
   * A run whose attempt started long ago (by the database's clock), its job taken again by the
   * spec's worker and held in that take ahead of its attempt: the community's lease is being
   * tried (`ScoringLease.acquire`) until `release`.
   */
  async function takenAgain(communityId: string) {
    const runs = app.get(ScoringRunStore);
    const runId = randomUUID();
    const jobId = randomUUID();
    mine.ids.add(runId);
    await runs.request(communityId, runId, jobId);
    expect(await runs.start(runId, communityId)).toBe(1);
    await prisma.$executeRaw`
      UPDATE scoring_runs SET started_at = now() - interval '2 hours' WHERE id = ${runId}::uuid`;
    const lease = app.get(ScoringLease);
    const acquire = lease.acquire.bind(lease);
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken = (): void => undefined;
    const trying = new Promise<void>((resolve) => (taken = resolve));
    const acquiring = jest.spyOn(lease, 'acquire').mockImplementation(async (id, leaseRunId) => {
      if (leaseRunId === runId) {
        taken();
        await released;
      }
      return acquire(id, leaseRunId);
    });
    await queue.add(JobName.ScoreCommunity, { communityId, runId, full: false }, { jobId });
    await trying;
    expect(await queue.getJobState(jobId)).toBe('active');
    return { runId, jobId, release, restore: () => acquiring.mockRestore() };
  }

  /** The bound the sweep measures the run's take against (`ScoringRunStore.overdue`). */
  async function dueBefore(runId: string, limitSeconds: number): Promise<number> {
    const overdue = await app.get(ScoringRunStore).overdue(limitSeconds);
    const found = overdue.find((row) => row.runId === runId);
    if (!found) throw new Error(`run ${runId} is not overdue`);
    return found.dueBefore.getTime();
  }

  /** When the spec's worker took the job last (BullMQ's `processedOn`, set on every take). */
  async function takenAt(jobId: string): Promise<number> {
    const taken = (await queue.getJob(jobId))?.processedOn;
    if (taken === undefined) throw new Error(`job ${jobId} was never taken`);
    return taken;
  }

  it('leaves alone a run past its limit whose job was just taken, its attempt not started yet', async () => {
    const communityId = await community();
    // A limit the take cannot outlast here, however slow the machine; the run's start is older.
    const limit = jest.replaceProperty(app.get(Environment), 'SCORING_RUN_TIMEOUT_SECONDS', 3_600);
    const taken = await takenAgain(communityId);
    try {
      expect(await takenAt(taken.jobId)).toBeGreaterThanOrEqual(
        await dueBefore(taken.runId, 3_600),
      );

      expect(await app.get(OrphanedRunsWatcher).sweep()).not.toContain(taken.runId);
      expect(
        await prisma.scoringRun.findUniqueOrThrow({ where: { id: taken.runId } }),
      ).toMatchObject({ status: ScoringRunStatus.RUNNING, errorCode: null, attempts: 1 });

      // The take goes on: its attempt starts (the limit's new start) and publishes the run.
      taken.release();
      await eventually(async () => {
        expect(
          await prisma.scoringRun.findUniqueOrThrow({ where: { id: taken.runId } }),
        ).toMatchObject({ status: ScoringRunStatus.SUCCEEDED, attempts: 2 });
      });
    } finally {
      taken.release();
      taken.restore();
      limit.restore();
    }
  });

  it('fails TIMED_OUT a run past its limit whose job is active, taken longer ago than the limit', async () => {
    const communityId = await community();
    const taken = await takenAgain(communityId);
    try {
      // The take itself outlasts the limit (by the same bound the sweep reads).
      await eventually(async () => {
        expect(await takenAt(taken.jobId)).toBeLessThan(
          await dueBefore(taken.runId, LIMIT_SECONDS),
        );
      });
      expect(await queue.getJobState(taken.jobId)).toBe('active');

      expect(await app.get(OrphanedRunsWatcher).sweep()).toContain(taken.runId);
      expect(
        await prisma.scoringRun.findUniqueOrThrow({ where: { id: taken.runId } }),
      ).toMatchObject({ status: ScoringRunStatus.FAILED, errorCode: 'TIMED_OUT', attempts: 1 });
    } finally {
      taken.release();
      taken.restore();
    }
    await askedForAgain(communityId, taken.jobId);
  });

  it('fails a run whose job is lost JOB_LOST, and asks for its community again', async () => {
    const communityId = await community();
    const runs = app.get(ScoringRunStore);
    const runId = randomUUID();
    mine.ids.add(runId);
    // However slow the machine, the case is the lost job, not the limit.
    mine.untimed.add(runId);
    await runs.request(communityId, runId, `gone-${runId}`);
    expect(await runs.start(runId, communityId)).toBe(1);
    // Past the grace a missing job has.
    await prisma.scoringRun.update({
      where: { id: runId },
      data: { requestedAt: new Date(Date.now() - 3_600_000) },
    });
    expect(await app.get(ScoringLease).acquire(communityId, runId)).toBeDefined();

    expect(await app.get(OrphanedRunsWatcher).sweep()).toContain(runId);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: ScoringRunStatus.FAILED,
      errorCode: 'JOB_LOST',
    });
    expect(
      (await prisma.community.findUniqueOrThrow({ where: { id: communityId } })).scoringLeaseOwner,
    ).not.toBe(runId);
    await askedForAgain(communityId, `gone-${runId}`);
  });
});
