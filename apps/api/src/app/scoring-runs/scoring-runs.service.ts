import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { PrismaService, ScoringRun } from '@bridgenotes/database';
import { JobName, QueueName, ScoreCommunityJob } from '@bridgenotes/queue';
import { Queue } from 'bullmq';

import { ApiError } from '../common/api-error';

@Injectable()
export class ScoringRunsService {
  private readonly logger = new Logger(ScoringRunsService.name);

  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(QueueName.Scoring)
    private readonly queue: Queue<ScoreCommunityJob, void, JobName.ScoreCommunity>,
  ) {}

  /** Records a run request and hands it to the worker; the run id is the job id. */
  async request(slug: string): Promise<ScoringRun> {
    const community = await this.prisma.community.findUnique({ where: { slug } });
    if (!community) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'COMMUNITY_NOT_FOUND', `No community with slug "${slug}"`);
    }
    const run = await this.prisma.scoringRun.create({ data: { communityId: community.id } });
    try {
      await this.queue.add(JobName.ScoreCommunity, { communityId: community.id, runId: run.id }, { jobId: run.id });
    } catch (error) {
      // No job will ever serve this run: remove it rather than leave a request that never ends.
      await this.prisma.scoringRun.delete({ where: { id: run.id } });
      this.logger.warn(`scoring request not queued: ${(error as Error).message}`);
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'QUEUE_UNAVAILABLE',
        'The job queue is unreachable; nothing was recorded, try again shortly',
      );
    }
    return run;
  }

  async get(id: string): Promise<ScoringRun> {
    const run = await this.prisma.scoringRun.findUnique({ where: { id } });
    if (!run) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'SCORING_RUN_NOT_FOUND', `No scoring run with id ${id}`);
    }
    return run;
  }
}
