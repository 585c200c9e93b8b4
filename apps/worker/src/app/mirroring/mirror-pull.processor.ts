import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import { MirrorPuller } from '@bridgenotes/mirroring';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import {
  InjectQueue,
  JobName,
  JobPayloads,
  JobQueue,
  JobWorker,
  pullMirrorJobOptions,
  QueueFactory,
  QueueName,
} from '@bridgenotes/queue';
import { Job, UnrecoverableError } from 'bullmq';

type MirroringPayload = JobPayloads[JobName.PullMirror] | JobPayloads[JobName.PullMirrors];
type MirroringJob = Job<MirroringPayload, void, JobName>;

/** One pull at a time: pulls of different mirrors would compete for the same CPU (proof checks). */
const CONCURRENCY = 1;

/**
 * Pulls followed communities from their origins (libs/mirroring's `MirrorPuller`): each on
 * request (a new mirror, the operator's "pull now") and all of them every MIRROR_PULL_SECONDS.
 * A failed pull (origin unreachable) is retried with backoff; what earlier pages settled stays.
 */
@Injectable()
export class MirrorPullProcessor
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(MirrorPullProcessor.name);
  private worker?: JobWorker<MirroringPayload>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly puller: MirrorPuller,
    private readonly env: Environment,
    private readonly queues: QueueFactory,
    @InjectQueue(QueueName.Mirroring) private readonly queue: JobQueue<MirroringPayload>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Proofs are verified in this thread: snarkjs must not start threads of its own, and the
    // curve must be in place before the first job can arrive.
    await useSingleThreadedCurve();
    this.worker = this.queues.worker<MirroringPayload>(
      QueueName.Mirroring,
      (job) => this.process(job),
      { concurrency: CONCURRENCY },
    );
    // The queue may be away at boot: the schedule is set once it answers, without holding start-up.
    this.schedule().catch((error: Error) =>
      this.logger.warn(`could not schedule the periodic pull: ${error.message}`),
    );
  }

  /** Lets a pull under way finish before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseCurve();
  }

  async process(job: MirroringJob): Promise<void> {
    switch (job.name) {
      case JobName.PullMirror:
        return this.pull((job.data as JobPayloads[JobName.PullMirror]).mirrorId);
      case JobName.PullMirrors:
        return this.pullAll();
      default:
        throw new UnrecoverableError(`No handler for job "${job.name}" on the mirroring queue`);
    }
  }

  /** Every worker upserts the same scheduler (named after its job): one schedule in all. */
  private async schedule(): Promise<void> {
    if (this.env.MIRROR_PULL_SECONDS === 0) {
      await this.queue.removeJobScheduler(JobName.PullMirrors);
      return;
    }
    await this.queue.upsertJobScheduler(
      JobName.PullMirrors,
      { every: this.env.MIRROR_PULL_SECONDS * 1_000 },
      { name: JobName.PullMirrors, data: {} },
    );
  }

  private async pullAll(): Promise<void> {
    const mirrors = await this.prisma.mirror.findMany({
      where: { stoppedAt: null },
      select: { id: true },
    });
    await this.queue.addBulk(
      mirrors.map(({ id }) => ({
        name: JobName.PullMirror,
        data: { mirrorId: id },
        opts: pullMirrorJobOptions(id),
      })),
    );
  }

  private async pull(mirrorId: string): Promise<void> {
    const outcome = await this.puller.pull(mirrorId);
    if (!outcome) return;
    const { accepted, refused, originRunFetched } = outcome;
    this.logger.log(
      `mirror ${mirrorId}: accepted ${accepted.roots} roots, ${accepted.members} members, ${accepted.notes} notes, ${accepted.ratings} ratings; refused ${refused}${originRunFetched ? `; fetched the origin's run ${originRunFetched}` : ''}`,
    );
    if (refused > 0) {
      this.logger.warn(
        `mirror ${mirrorId}: ${refused} records failed verification (GET /mirrors/${mirrorId}/refusals)`,
      );
    }
  }
}
