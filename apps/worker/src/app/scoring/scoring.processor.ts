import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import {
  InjectQueue,
  JobName,
  JobPayloads,
  JobQueue,
  JobWorker,
  QueueFactory,
  QueueName,
} from '@bridgenotes/queue';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';

type ScoringPayload = JobPayloads[JobName.ScoreCommunity] | JobPayloads[JobName.RescoreAll];
type ScoringJob = Job<ScoringPayload, void, JobName>;
type ScoreCommunityJob = Job<JobPayloads[JobName.ScoreCommunity], void, JobName.ScoreCommunity>;

/**
 * Longer than any run. The run holding a community's lease may retake it at once when its job is
 * retried; any other run waits until the holder releases it or this runs out.
 */
const LEASE_SECONDS = 900;
const BUSY_RETRY_MS = 5_000;
const COMMUNITY_PAGE = 1_000;

/**
 * Consumes the scoring queue. Its lock duration comes from the configuration: it bounds how soon a
 * run whose worker died is picked up again (stalled-job recovery), and it must outlast the
 * synchronous scoring step.
 */
@Injectable()
export class ScoringProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScoringProcessor.name);
  private worker?: JobWorker<ScoringPayload>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly loader: ScoringInputLoader,
    private readonly publisher: ScoringPublisher,
    private readonly env: Environment,
    private readonly queues: QueueFactory,
    @InjectQueue(QueueName.Scoring) private readonly queue: JobQueue<ScoringPayload>,
  ) {}

  onApplicationBootstrap(): void {
    const lockDuration = this.env.SCORING_LOCK_SECONDS * 1_000;
    this.worker = this.queues.worker<ScoringPayload>(
      QueueName.Scoring,
      (job, token) => this.process(job, token),
      {
        concurrency: this.env.SCORING_CONCURRENCY,
        lockDuration,
        stalledInterval: Math.min(30_000, lockDuration / 2),
      },
    );
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    // The queue may be away at boot: the schedule is set once it answers, without holding start-up.
    this.scheduleFullRescoring().catch((error: Error) =>
      this.logger.warn(`could not schedule the periodic rescoring: ${error.message}`),
    );
  }

  /**
   * Stops taking jobs and waits for the active ones before the database connection closes (in
   * the later shutdown phase).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: ScoringJob, token?: string): Promise<void> {
    switch (job.name) {
      case JobName.ScoreCommunity:
        return this.scoreCommunity(job as ScoreCommunityJob, token);
      case JobName.RescoreAll:
        return this.rescoreAll();
      default:
        throw new UnrecoverableError(`No handler for job "${job.name}" on the scoring queue`);
    }
  }

  /** Every worker upserts the same scheduler, so there is one schedule however many run. */
  private async scheduleFullRescoring(): Promise<void> {
    // The scheduler is named after the job it makes.
    if (this.env.SCORING_CRON === 'off') {
      await this.queue.removeJobScheduler(JobName.RescoreAll);
      return;
    }
    await this.queue.upsertJobScheduler(
      JobName.RescoreAll,
      { pattern: this.env.SCORING_CRON, tz: 'UTC' },
      { name: JobName.RescoreAll, data: {} },
    );
  }

  private async rescoreAll(): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await this.prisma.community.findMany({
        select: { id: true },
        orderBy: { id: 'asc' },
        take: COMMUNITY_PAGE,
        ...(after ? { cursor: { id: after }, skip: 1 } : {}),
      });
      if (page.length === 0) return;
      await this.queue.addBulk(
        page.map(({ id }) => ({ name: JobName.ScoreCommunity, data: { communityId: id } })),
      );
      after = page[page.length - 1]?.id;
    }
  }

  private async scoreCommunity(job: ScoreCommunityJob, token?: string): Promise<void> {
    const { communityId } = job.data;
    const runId = await this.pendingRun(job);
    if (!(await this.acquireLease(communityId, runId))) {
      // Another run of this community is in progress: come back shortly instead of running twice.
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    try {
      await this.startRun(communityId, runId);
      await job.updateProgress({ stage: 'loading', percent: 5 });
      // The run's time is part of its input: the stability rules (holds, locks) are computed
      // against it, and the run record keeps it so that a verifier can recompute the run.
      const loaded = await this.loader.load(communityId, Date.now());
      await job.updateProgress({ stage: 'scoring', percent: 30 });
      const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
      await job.updateProgress({ stage: 'publishing', percent: 90 });
      const counts = await this.publisher.publish(runId, loaded, result, DEFAULT_SEED);
      await job.updateProgress({ stage: 'done', percent: 100 });
      this.logger.log(
        `run ${runId}: ${loaded.noteCount} notes, ${loaded.ratingCount} ratings, ${counts.CURRENTLY_RATED_HELPFUL} helpful, ${counts.CURRENTLY_RATED_NOT_HELPFUL} not helpful`,
      );
    } finally {
      // Only this run's own lease: had it expired and passed to another run, it stays there.
      await this.prisma.community.updateMany({
        where: { id: communityId, scoringLeaseOwner: runId },
        data: { scoringLeaseUntil: null, scoringLeaseOwner: null },
      });
    }
  }

  /**
   * The run record this job serves: the operator's, when the job names one, else one recorded
   * (queued) on the job's first attempt and kept in its data, so every retry serves the same run.
   */
  private async pendingRun(job: ScoreCommunityJob): Promise<string> {
    const { communityId, runId } = job.data;
    if (runId) return runId;
    if (
      !(await this.prisma.community.findUnique({
        where: { id: communityId },
        select: { id: true },
      }))
    ) {
      throw new UnrecoverableError(`Community ${communityId} does not exist`);
    }
    const run = await this.prisma.scoringRun.create({ data: { communityId } });
    await job.updateData({ communityId, runId: run.id });
    return run.id;
  }

  private async acquireLease(communityId: string, runId: string): Promise<boolean> {
    const acquired = await this.prisma.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), scoring_lease_owner = ${runId}::uuid
       WHERE id = ${communityId}::uuid
         AND (scoring_lease_until IS NULL OR scoring_lease_until < now() OR scoring_lease_owner = ${runId}::uuid)`;
    return acquired === 1;
  }

  private async startRun(communityId: string, runId: string): Promise<void> {
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
  }

  private async onFailed(job: ScoringJob | undefined, error: Error): Promise<void> {
    const runId = job && 'runId' in job.data ? job.data.runId : undefined;
    if (!job || !runId) return;
    const retriesLeft =
      error instanceof UnrecoverableError ? false : job.attemptsMade < (job.opts.attempts ?? 1);
    this.logger.warn(`run ${runId} attempt ${job.attemptsMade} failed: ${error.message}`);
    if (retriesLeft) return;
    await this.prisma.scoringRun.updateMany({
      where: { id: runId, status: { in: [ScoringRunStatus.QUEUED, ScoringRunStatus.RUNNING] } },
      data: {
        status: ScoringRunStatus.FAILED,
        finishedAt: new Date(),
        error: error.message.slice(0, 2_000),
      },
    });
  }
}
