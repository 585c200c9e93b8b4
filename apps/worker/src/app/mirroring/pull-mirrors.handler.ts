import { Injectable } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName, JobProducer } from '@bridgenotes/queue';

/** The periodic pull (`MIRROR_PULL_SECONDS`): asks for a pull of every followed community. */
@Injectable()
@HandlesJob(JobName.PullMirrors)
export class PullMirrorsHandler implements JobHandler<JobName.PullMirrors> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  async handle(): Promise<void> {
    const mirrors = await this.prisma.mirror.findMany({
      where: { stoppedAt: null },
      select: { id: true },
    });
    await this.jobs.enqueueBulk(
      JobName.PullMirror,
      mirrors.map(({ id }) => ({ data: { mirrorId: id } })),
    );
  }
}
