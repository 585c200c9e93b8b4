import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, pruneDailyCounts, pruneTicketUses } from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName } from '@bridgenotes/queue';

/**
 * The daily pruning of the quota counts (`DAILY_COUNTS_PRUNE_CRON`): a quota reads only today's
 * count, so yesterday's and older rows go, and no table keeps who wrote on which day. Used
 * credential tickets go too once no check accepts them (a CREDENTIAL join deletes them as well,
 * but only while members join).
 */
@Injectable()
@HandlesJob(JobName.PruneDailyCounts)
export class PruneDailyCountsHandler implements JobHandler<JobName.PruneDailyCounts> {
  private readonly logger = new Logger('DailyCounts');

  constructor(private readonly prisma: PrismaService) {}

  async handle(): Promise<void> {
    const pruned = await pruneDailyCounts(this.prisma);
    this.logger.log(`pruned ${pruned} daily quota counts of past days`);
    const tickets = await pruneTicketUses(this.prisma);
    this.logger.log(`pruned ${tickets} used credential tickets past their exp`);
  }
}
