import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import { JobName, JobPayloads, QueueName } from '@bridgenotes/queue';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';

import { ScoringInputLoader } from './scoring-input.loader';
import { ScoringPublisher } from './scoring.publisher';

type ScoringJob = Job<JobPayloads[JobName.ScoreCommunity], void, JobName.ScoreCommunity>;

/** Longer than any run; a worker that dies mid-run frees its community when this runs out. */
const LEASE_SECONDS = 900;
const BUSY_RETRY_MS = 5_000;

// The scorer runs synchronously (about 30 s at 10M ratings): the job's lock must outlast it.
@Processor(QueueName.Scoring, { lockDuration: 120_000 })
export class ScoringProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ScoringProcessor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly loader: ScoringInputLoader,
    private readonly publisher: ScoringPublisher,
    private readonly env: Environment,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.env.SCORING_CONCURRENCY;
  }

  /**
   * Stops taking jobs and waits for the active ones before the database connection closes (in
   * the later shutdown phase); @nestjs/bullmq would only close the worker in that same phase.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: ScoringJob, token?: string): Promise<void> {
    switch (job.name) {
      case JobName.ScoreCommunity:
        return this.scoreCommunity(job, token);
      default:
        throw new UnrecoverableError(
          `No handler for job "${(job as Job).name}" on the scoring queue`,
        );
    }
  }

  private async scoreCommunity(job: ScoringJob, token?: string): Promise<void> {
    const { communityId } = job.data;
    const owner = randomUUID();
    if (!(await this.acquireLease(communityId, owner))) {
      // Another worker is scoring this community: come back shortly instead of running twice.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    try {
      const runId = await this.startRun(job);
      await job.updateProgress({ stage: 'loading', percent: 5 });
      const loaded = await this.loader.load(communityId);
      await job.updateProgress({ stage: 'scoring', percent: 30 });
      const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED });
      await job.updateProgress({ stage: 'publishing', percent: 90 });
      const counts = await this.publisher.publish(runId, loaded, result, DEFAULT_SEED);
      await job.updateProgress({ stage: 'done', percent: 100 });
      this.logger.log(
        `run ${runId}: ${loaded.noteCount} notes, ${loaded.ratingCount} ratings, ${counts.CURRENTLY_RATED_HELPFUL} helpful, ${counts.CURRENTLY_RATED_NOT_HELPFUL} not helpful`,
      );
    } finally {
      // Only this attempt's own lease: had it expired and passed to another worker, it stays there.
      await this.prisma.community.updateMany({
        where: { id: communityId, scoringLeaseOwner: owner },
        data: { scoringLeaseUntil: null, scoringLeaseOwner: null },
      });
    }
  }

  private async acquireLease(communityId: string, owner: string): Promise<boolean> {
    const acquired = await this.prisma.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), scoring_lease_owner = ${owner}::uuid
       WHERE id = ${communityId}::uuid AND (scoring_lease_until IS NULL OR scoring_lease_until < now())`;
    if (acquired === 1) return true;
    if (
      !(await this.prisma.community.findUnique({
        where: { id: communityId },
        select: { id: true },
      }))
    ) {
      throw new UnrecoverableError(`Community ${communityId} does not exist`);
    }
    return false;
  }

  /** The run record: the operator's, when the job names one, else a new one for this job. */
  private async startRun(job: ScoringJob): Promise<string> {
    const { communityId, runId } = job.data;
    if (!runId) {
      const run = await this.prisma.scoringRun.create({
        data: { communityId, status: ScoringRunStatus.RUNNING, startedAt: new Date(), attempts: 1 },
      });
      await job.updateData({ communityId, runId: run.id });
      return run.id;
    }
    const started = await this.prisma.scoringRun.updateMany({
      where: {
        id: runId,
        communityId,
        status: { in: [ScoringRunStatus.QUEUED, ScoringRunStatus.RUNNING] },
      },
      data: { status: ScoringRunStatus.RUNNING, startedAt: new Date(), attempts: { increment: 1 } },
    });
    if (started.count === 0) {
      // Retrying cannot make a missing or finished run appear; fail once, without retries.
      throw new UnrecoverableError(
        `Scoring run ${runId} of community ${communityId} is not pending`,
      );
    }
    return runId;
  }

  @OnWorkerEvent('failed')
  async onFailed(job: ScoringJob | undefined, error: Error): Promise<void> {
    if (!job?.data.runId) return;
    const retriesLeft =
      error instanceof UnrecoverableError ? false : job.attemptsMade < (job.opts.attempts ?? 1);
    this.logger.warn(`run ${job.data.runId} attempt ${job.attemptsMade} failed: ${error.message}`);
    if (retriesLeft) return;
    await this.prisma.scoringRun.updateMany({
      where: {
        id: job.data.runId,
        status: { in: [ScoringRunStatus.QUEUED, ScoringRunStatus.RUNNING] },
      },
      data: {
        status: ScoringRunStatus.FAILED,
        finishedAt: new Date(),
        error: error.message.slice(0, 2_000),
      },
    });
  }
}
