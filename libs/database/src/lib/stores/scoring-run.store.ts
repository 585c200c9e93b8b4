import { Injectable } from '@nestjs/common';

import {
  Prisma,
  RunFailureCode,
  ScoringRun,
  ScoringRunStatus,
} from '../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

type Tx = Prisma.TransactionClient;

/** What a published run records beside its status (see `ScoringPublisher`). */
export type RunFigures = Pick<
  Prisma.ScoringRunUncheckedUpdateInput,
  | 'noteCount'
  | 'ratingCount'
  | 'inputHash'
  | 'dataHash'
  | 'nowAt'
  | 'algorithmVersion'
  | 'regime'
  | 'seed'
  | 'statusCounts'
  | 'raterFactorHistogram'
  | 'kind'
  | 'baseRunId'
  | 'changedThrough'
  | 'topicSeeds'
  | 'publication'
>;

const PENDING = [ScoringRunStatus.QUEUED, ScoringRunStatus.RUNNING];

/** One attempt at a run: the number `ScoringRunStore.start` gave it. */
export interface RunAttempt {
  runId: string;
  attempt: number;
}

/** A run not finished yet, as the worker's watch over run jobs reads it (`pending`). */
export interface PendingRun {
  runId: string;
  /** Attempts started so far: failing the run is conditional on no other starting meanwhile. */
  attempts: number;
  /** The job serving it; null for a run recorded before runs named theirs. */
  jobId: string | null;
  requestedAt: Date;
}

/**
 * The one writer of `scoring_runs`: every status a run goes through (QUEUED → RUNNING →
 * SUCCEEDED or FAILED) is set here, each change conditional on the status it leaves, so a job
 * processed twice, or a late failure, can never move a finished run. The API requests runs, the
 * worker starts and fails them, the publisher finishes them inside its own transaction.
 */
@Injectable()
export class ScoringRunStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A run asked for (by an operator, or by a job for itself): `QUEUED`, served by the queue job
   * `jobId` (see `pending`). With an id, idempotent: a run of that id already recorded is
   * returned as it is, given the job's id if it had none (a run recorded before runs named it).
   * `requestedAt` is the database's clock unless given (the demo seed's run of an hour ago).
   */
  async request(
    communityId: string,
    id?: string,
    jobId?: string,
    requestedAt?: Date,
  ): Promise<ScoringRun> {
    if (id === undefined) {
      return this.prisma.scoringRun.create({ data: { communityId, jobId, requestedAt } });
    }
    await this.prisma.scoringRun.createMany({
      data: [{ id, communityId, jobId }],
      skipDuplicates: true,
    });
    if (jobId !== undefined) {
      await this.prisma.scoringRun.updateMany({ where: { id, jobId: null }, data: { jobId } });
    }
    return this.prisma.scoringRun.findUniqueOrThrow({ where: { id } });
  }

  /**
   * The runs not finished yet (one, given its id), with the job each one's attempts come from,
   * for the worker to check against the queue (`OrphanedRunsWatcher`). A few rows at any time:
   * a run is pending while its job waits or runs, and until the worker finds that job gone.
   */
  async pending(runId?: string): Promise<PendingRun[]> {
    const rows = await this.prisma.scoringRun.findMany({
      where: { status: { in: PENDING }, ...(runId !== undefined && { id: runId }) },
      select: { id: true, attempts: true, jobId: true, requestedAt: true },
      orderBy: { requestedAt: 'asc' },
    });
    return rows.map(({ id, ...run }) => ({ runId: id, ...run }));
  }

  /**
   * The running runs whose attempt started more than `limitSeconds` ago, by the database's
   * clock (`now() - started_at`, both the database's: a worker's clock may be off), with the
   * attempt each is at and its job: `SCORING_RUN_TIMEOUT_SECONDS`' check (`OrphanedRunsWatcher`).
   * `dueBefore` is the bound itself (`now()` less the limit, the database's clock), against which
   * the caller measures what the database does not hold (when the job's worker took it).
   */
  async overdue(
    limitSeconds: number,
  ): Promise<{ runId: string; attempts: number; jobId: string | null; dueBefore: Date }[]> {
    const rows = await this.prisma.$queryRaw<
      { id: string; attempts: number; job_id: string | null; due_before: Date }[]
    >`
      SELECT id, attempts, job_id, due_before
        FROM scoring_runs, (SELECT now() - make_interval(secs => ${limitSeconds}::int)) AS t(due_before)
       WHERE status = 'RUNNING' AND started_at < due_before
       ORDER BY started_at`;
    return rows.map(({ id, attempts, job_id, due_before }) => ({
      runId: id,
      attempts,
      jobId: job_id,
      dueBefore: due_before,
    }));
  }

  /**
   * Forgets a request the queue did not confirm, unless a worker took its job after all: answers
   * whether it was removed. One conditional statement, so a `start` racing it either comes first
   * (the run lives on) or finds no run and drops the job; a started run has staged rows and may
   * have status changes that refer to it, which a delete would wipe or trip on.
   */
  async discard(runId: string): Promise<boolean> {
    const { count } = await this.prisma.scoringRun.deleteMany({
      where: { id: runId, status: ScoringRunStatus.QUEUED, attempts: 0 },
    });
    return count === 1;
  }

  /**
   * Marks a pending run of the community `RUNNING` and counts the attempt: the attempt it starts
   * (1 the first time), or undefined when the run is missing, of another community or already
   * finished. `started_at` is the attempt's start, by the database's clock (`overdue`).
   * Publication takes this number back, so an attempt another has since overtaken (a
   * worker that lost its job's lock and kept going) can neither stage (`liveAttempt`) nor
   * publish (`succeed`), nor fail the run (`fail`).
   */
  async start(runId: string, communityId: string, startedAt?: Date): Promise<number | undefined> {
    // The database's clock unless given: the run's hard limit is measured from it with now().
    const [row] = await this.prisma.$queryRaw<{ attempts: number }[]>`
      UPDATE scoring_runs
         SET status = 'RUNNING', started_at = coalesce(${startedAt ?? null}::timestamptz, now()),
             attempts = attempts + 1
       WHERE id = ${runId}::uuid AND community_id = ${communityId}::uuid
         AND status IN ('QUEUED', 'RUNNING')
       RETURNING attempts`;
    return row?.attempts;
  }

  /**
   * A query of the run's id while `attempt` is its live one (the run is running, and no attempt
   * started since), to put in a statement writing what only that attempt may write (its staged
   * results): the write finds no row once the attempt is overtaken or the run finished. The row
   * is locked (`FOR SHARE`) until the statement's transaction ends, so a newer attempt's `start`
   * and the run's end wait for a write under way instead of passing it in between.
   */
  liveAttempt({ runId, attempt }: RunAttempt): Prisma.Sql {
    return Prisma.sql`
      SELECT id FROM scoring_runs
       WHERE id = ${runId}::uuid AND status = 'RUNNING' AND attempts = ${attempt}
         FOR SHARE`;
  }

  /**
   * A query of the run's id and status once it has finished (succeeded or failed): no attempt
   * may write.
   */
  finished(runId: string): Prisma.Sql {
    return Prisma.sql`
      SELECT id, status FROM scoring_runs
       WHERE id = ${runId}::uuid AND status IN ('SUCCEEDED', 'FAILED')`;
  }

  /**
   * In a publication's transaction: the id of another run of the community that already
   * published a newer state than `run` would, if any, which this publication must not overwrite:
   * one that read through a later cut of the write batches, or through the same cut at a later
   * run time (the holds and locks of stabilisation end with time, not with a write, so an older
   * time would bring ended holds back). A run whose lease lapsed (a worker blocked longer than
   * the lease) can still be publishing when a newer run has published; the cut, the database's
   * own batch counter, orders them first, then the run times, which only differ between runs of
   * one cut, each a worker's clock read before its load. The run's own record is left out: a
   * later attempt of it that published makes this attempt overtaken (`succeed`), not
   * superseded. The check holds a per-community lock until the transaction ends, so two
   * publications never pass it together and commit in the other order.
   */
  async publishedAfter(
    tx: Tx,
    communityId: string,
    run: { runId: string; changedThrough: bigint; nowAt: Date },
  ): Promise<string | null> {
    await tx.$executeRaw`
      SELECT pg_advisory_xact_lock(hashtextextended(${`scoring-publication:${communityId}`}, 0))`;
    const [newer] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM scoring_runs
       WHERE community_id = ${communityId}::uuid AND status = 'SUCCEEDED'
         AND id <> ${run.runId}::uuid
         AND (changed_through > ${run.changedThrough}
              OR (changed_through = ${run.changedThrough} AND now_at > ${run.nowAt}))
       ORDER BY changed_through DESC, now_at DESC
       LIMIT 1`;
    return newer?.id ?? null;
  }

  /**
   * In a publication's transaction, under the lock `publishedAfter` takes: the id of another run
   * of the community that published after `run`'s load noted the community's latest publication
   * (`publications`, read before the status histories), if any, and the number this
   * publication takes (the next one). Such a run replaced the histories this one started from
   * (stabilisation holds, locks), which it would otherwise write back as computed from the old
   * ones: with a later cut, `publishedAfter` does not refuse it, and its writes must be scored
   * again from a fresh load. The run's own record is left out, as in `publishedAfter`.
   */
  async publishedSince(
    tx: Tx,
    communityId: string,
    run: { runId: string; publications: number },
  ): Promise<{ newer: string | null; next: number }> {
    const [{ newer, next }] = await tx.$queryRaw<[{ newer: string | null; next: number }]>`
      SELECT (SELECT id FROM scoring_runs
               WHERE community_id = ${communityId}::uuid AND publication > ${run.publications}
                 AND id <> ${run.runId}::uuid
               ORDER BY publication DESC LIMIT 1) AS newer,
             (SELECT coalesce(max(publication), 0) + 1 FROM scoring_runs
               WHERE community_id = ${communityId}::uuid)::int AS next`;
    return { newer, next };
  }

  /**
   * Marks a running run `SUCCEEDED` with its figures, in the publication's transaction; false
   * when it is no longer running, or another attempt has started since (then the caller rolls
   * the publication back).
   */
  async succeed(tx: Tx, { runId, attempt }: RunAttempt, figures: RunFigures): Promise<boolean> {
    const finished = await tx.scoringRun.updateMany({
      where: { id: runId, status: ScoringRunStatus.RUNNING, attempts: attempt },
      data: {
        ...figures,
        status: ScoringRunStatus.SUCCEEDED,
        finishedAt: new Date(),
        errorCode: null,
      },
    });
    return finished.count === 1;
  }

  /**
   * Marks a pending run `FAILED` with the code of what ended its last attempt (never the error's
   * text: the run is a public record, see `RUN_FAILURES`). Given the attempt
   * (when it got as far as `start`; 0 for a run never started), only while no other attempt has
   * started since: an overtaken attempt's failure leaves the live one running. True when it
   * failed the run. In `tx` when given, so that the caller clears the run's staging with it.
   */
  async fail(
    runId: string,
    code: RunFailureCode,
    attempt?: number,
    tx: Tx = this.prisma,
  ): Promise<boolean> {
    const failed = await tx.scoringRun.updateMany({
      where: {
        id: runId,
        status: { in: PENDING },
        ...(attempt !== undefined && { attempts: attempt }),
      },
      data: {
        status: ScoringRunStatus.FAILED,
        finishedAt: new Date(),
        errorCode: code,
      },
    });
    return failed.count === 1;
  }
}
