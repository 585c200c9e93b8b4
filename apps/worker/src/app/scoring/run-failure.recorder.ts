import { Injectable } from '@nestjs/common';
import {
  PrismaService,
  type RunFailureCode,
  ScoringOutbox,
  ScoringRunStore,
} from '@bridgenotes/database';
import { ScoringPublisher } from '@bridgenotes/scoring-store';

import { ScoringLease } from './scoring-lease';

/**
 * The failures that say nothing of the community's data (the run timed out, its job was lost,
 * the database was away): what the run was asked to score still waits, so the community is
 * asked for again. The others would fail the same way again (a superseded run, one whose base
 * was replaced, the data copied) or were retried by the queue already.
 */
const ASK_AGAIN: ReadonlySet<RunFailureCode> = new Set<RunFailureCode>([
  'JOB_LOST',
  'TIMED_OUT',
  'DATABASE_UNAVAILABLE',
]);

/**
 * The one way a scoring run fails, used by the job's failure hook (`ScoreCommunityHandler`) and
 * by the watch over runs (`OrphanedRunsWatcher`), which may race: in one transaction, the run is
 * marked FAILED with its code (never an error's text), loses what its attempts staged, frees its
 * community's lease, and, for the `ASK_AGAIN` codes, writes a `run.failed` scoring event so that
 * the community is scored again (`ScoringEventsDispatcher`). Idempotent: the run's row is the
 * lock, and a second caller finds the run failed already and does nothing.
 */
@Injectable()
export class RunFailureRecorder {
  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: ScoringRunStore,
    private readonly publisher: ScoringPublisher,
    private readonly lease: ScoringLease,
    private readonly outbox: ScoringOutbox,
  ) {}

  /**
   * Fails the pending run with `code`; given `attempt`, only while no other attempt has started
   * since (see `ScoringRunStore.fail`). True when this call failed it.
   */
  async record(runId: string, code: RunFailureCode, attempt?: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const failed = await this.runs.fail(runId, code, attempt, tx);
      // A finished run's staging goes whoever ended it: an attempt on a run that had succeeded
      // already (RUN_NOT_PENDING) staged for nothing, and nothing else would remove it.
      await this.publisher.clearFinished(runId, tx);
      if (!failed) return false;
      const communityId = await this.lease.releaseRun(tx, runId);
      if (communityId !== undefined && ASK_AGAIN.has(code)) {
        await this.outbox.record(tx, communityId, 'run.failed');
      }
      return true;
    });
  }
}
