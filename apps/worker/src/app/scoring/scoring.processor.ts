import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import { JobName, JobPayloads, QueueName } from '@bridgenotes/queue';
import { Job, UnrecoverableError } from 'bullmq';

import { ScoringInputService } from './scoring-input.service';

type ScoringJob = Job<JobPayloads[JobName.ScoreCommunity], void, JobName.ScoreCommunity>;

@Processor(QueueName.Scoring)
export class ScoringProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ScoringProcessor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly input: ScoringInputService,
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

  async process(job: ScoringJob): Promise<void> {
    switch (job.name) {
      case JobName.ScoreCommunity:
        return this.scoreCommunity(job);
      default:
        throw new UnrecoverableError(
          `No handler for job "${(job as Job).name}" on the scoring queue`,
        );
    }
  }

  private async scoreCommunity(job: ScoringJob): Promise<void> {
    const { communityId, runId } = job.data;
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
    const summary = await this.input.summarise(communityId);
    await this.prisma.scoringRun.update({
      where: { id: runId },
      data: { ...summary, status: ScoringRunStatus.SUCCEEDED, finishedAt: new Date(), error: null },
    });
    this.logger.log(
      `run ${runId}: ${summary.noteCount} notes, input ${summary.inputHash.slice(0, 12)}`,
    );
  }

  @OnWorkerEvent('failed')
  async onFailed(job: ScoringJob | undefined, error: Error): Promise<void> {
    if (!job) return;
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
