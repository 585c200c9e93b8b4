import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import {
  Community,
  NoteScore,
  PrismaService,
  ScoringRun,
  ScoringRunStatus,
  ScoringRunStore,
} from '@bridgenotes/database';
import { JobName, JobProducer } from '@bridgenotes/queue';

import { ApiError } from '../common/api-error';
import {
  decodeCursor,
  decodeIdCursor,
  encodeCursor,
  encodeIdCursor,
  Page,
  pageOf,
} from '../common/cursor';
import { withTimeout } from '../common/with-timeout';

const ENQUEUE_TIMEOUT_MS = 3_000;

@Injectable()
export class ScoringRunsService {
  private readonly logger = new Logger(ScoringRunsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: ScoringRunStore,
    private readonly jobs: JobProducer,
  ) {}

  async list(community: Community, limit: number, cursor?: string): Promise<Page<ScoringRun>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    // Keyset pagination on (requestedAt, id): stable while new runs arrive, and index-backed.
    const rows = await this.prisma.scoringRun.findMany({
      where: {
        communityId: community.id,
        ...(after && {
          OR: [{ requestedAt: { lt: after.at } }, { requestedAt: after.at, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, (run) => encodeCursor({ at: run.requestedAt, id: run.id }));
  }

  /**
   * Records a run request and hands it to the worker; the run id is the job id, recorded with the
   * run so that the worker can tell when the job failed or went (`OrphanedRunsWatcher`).
   */
  async request(community: Community): Promise<ScoringRun> {
    const id = randomUUID();
    const run = await this.runs.request(community.id, id, id);
    try {
      // BullMQ waits for a first connection indefinitely; a request must not.
      await withTimeout(
        this.jobs.enqueue(
          JobName.ScoreCommunity,
          { communityId: community.id, runId: run.id },
          { jobId: run.id },
        ),
        ENQUEUE_TIMEOUT_MS,
        `The queue did not accept the job within ${ENQUEUE_TIMEOUT_MS} ms`,
      );
    } catch (error) {
      // Not confirmed in time, yet the queue may have taken the job (a busy embedded database):
      // a worker that started it keeps the run, and the run is answered as accepted.
      if (!(await this.runs.discard(run.id))) {
        this.logger.warn(
          `scoring request not confirmed in time, but a worker started its run ${run.id}`,
        );
        return this.get(run.id);
      }
      // No job will serve this run, now removed rather than left as a request that never ends.
      // (Should the queue take the job after all, the worker finds no pending run and drops it.)
      this.logger.warn(`scoring request not queued: ${(error as Error).message}`);
      throw new ApiError(
        'QUEUE_UNAVAILABLE',
        'The job queue is unreachable; nothing was recorded, try again shortly',
      );
    }
    return run;
  }

  async get(id: string): Promise<ScoringRun> {
    const run = await this.prisma.scoringRun.findUnique({ where: { id } });
    if (!run) {
      throw ApiError.of('SCORING_RUN_NOT_FOUND', id);
    }
    return run;
  }

  /**
   * A run's per-note results, in note id order. Runs older than the score retention keep their
   * record but not these: asking for them answers 410 rather than an empty, misleading page.
   */
  async scores(id: string, limit: number, cursor?: string): Promise<Page<NoteScore>> {
    const run = await this.get(id);
    const after = cursor === undefined ? undefined : decodeIdCursor(cursor);
    if (run.status !== ScoringRunStatus.SUCCEEDED) {
      throw ApiError.of('SCORING_RUN_NOT_FINISHED', id, run.status.toLowerCase());
    }
    const rows = await this.prisma.noteScore.findMany({
      where: { runId: id, ...(after && { noteId: { gt: after } }) },
      orderBy: { noteId: 'asc' },
      take: limit + 1,
    });
    if (rows.length === 0 && !after && (run.noteCount ?? 0) > 0) {
      throw ApiError.of('SCORES_PRUNED', id);
    }
    return pageOf(rows, limit, (row) => encodeIdCursor(row.noteId));
  }
}
