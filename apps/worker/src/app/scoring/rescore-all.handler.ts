import { Injectable } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName, JobProducer } from '@bridgenotes/queue';

const COMMUNITY_PAGE = 1_000;

/** The periodic full rescoring (`SCORING_CRON`): asks for a run of every community. */
@Injectable()
@HandlesJob(JobName.RescoreAll)
export class RescoreAllHandler implements JobHandler<JobName.RescoreAll> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  async handle(): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await this.prisma.community.findMany({
        select: { id: true },
        orderBy: { id: 'asc' },
        take: COMMUNITY_PAGE,
        ...(after ? { cursor: { id: after }, skip: 1 } : {}),
      });
      if (page.length === 0) return;
      await this.jobs.enqueueBulk(
        JobName.ScoreCommunity,
        // A community's full job still waiting (its lease busy, or the queue behind) takes the
        // next hour's request: one full run, not one more per hour. Not the debounced job's id
        // (`ScoringEventsDispatcher`): joining it would make the full run an incremental one.
        page.map(({ id }) => ({
          data: { communityId: id, full: true },
          options: { deduplication: { id: `rescore:${id}` } },
        })),
      );
      after = page[page.length - 1]?.id;
    }
  }
}
