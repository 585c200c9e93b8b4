import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MirrorPuller, originFailure, type MirrorErrorCode } from '@bridgenotes/mirroring';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { HandlesJob, JobHandler, JobName, QueuedJob } from '@bridgenotes/queue';
import { UnrecoverableError } from 'bullmq';

/**
 * Failures the same origin repeats at once, whatever the wait: no retry with backoff, the next
 * periodic pull (`MIRROR_PULL_SECONDS`) tries again. A stalled or slow origin may recover sooner.
 */
const NOT_RETRIED: readonly MirrorErrorCode[] = [
  'ORIGIN_INVALID',
  'ORIGIN_RECORD_TOO_LARGE',
  'ORIGIN_RESPONSE_TOO_LARGE',
  'ORIGIN_STREAM_TOO_LONG',
];

/**
 * Pulls one followed community from its origin (libs/mirroring's `MirrorPuller`), on request (a
 * new mirror, the operator's "pull now") or for the periodic `pull-mirrors`. A failed pull
 * (origin unreachable) is retried with backoff, one whose origin is invalid or over a size limit
 * only by the next periodic pull; what earlier pages settled stays either way.
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
    const outcome = await this.puller.pull(mirrorId).catch((error: unknown) => {
      const { code, message } = originFailure(error);
      throw NOT_RETRIED.includes(code)
        ? new UnrecoverableError(`mirror ${mirrorId}: ${code}: ${message}`)
        : error;
    });
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
