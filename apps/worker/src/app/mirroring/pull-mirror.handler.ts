import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MirrorPuller } from '@bridgenotes/mirroring';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { HandlesJob, JobHandler, JobName, QueuedJob } from '@bridgenotes/queue';

/**
 * Pulls one followed community from its origin (libs/mirroring's `MirrorPuller`), on request (a
 * new mirror, the operator's "pull now") or for the periodic `pull-mirrors`. A failed pull
 * (origin unreachable) is retried with backoff; what earlier pages settled stays.
 */
@Injectable()
@HandlesJob(JobName.PullMirror)
export class PullMirrorHandler implements JobHandler<JobName.PullMirror>, OnApplicationShutdown {
  private readonly logger = new Logger(PullMirrorHandler.name);

  constructor(private readonly puller: MirrorPuller) {}

  /**
   * Proofs are verified in this thread: snarkjs must not start threads of its own, and the curve
   * must be in place before the first job can arrive.
   */
  async prepare(): Promise<void> {
    await useSingleThreadedCurve();
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseCurve();
  }

  async handle(job: QueuedJob<JobName.PullMirror>): Promise<void> {
    const { mirrorId } = job.data;
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
