import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  errorCode,
  PrismaService,
  RUN_FAILURE_TEXTS,
  runFailureCode,
  runFailureCodeOf,
  runFailureForLog,
  ScoringRunStore,
  type RunAttempt,
} from '@bridgenotes/database';
import { HandlesJob, JobHandler, JobName, QueuedJob } from '@bridgenotes/queue';
import {
  canonicalTopicSeeds,
  DEFAULT_SEED,
  scoreNotesInThreads,
  scoreWithFrozenRaters,
  storedFrozenRaters,
} from '@bridgenotes/scoring';
import {
  HistoriesReplaced,
  IncrementalBaseStore,
  ScoringInputLoader,
  type IncrementalBase,
  ScoringPublisher,
  type PublishedRun,
  RunSuperseded,
} from '@bridgenotes/scoring-store';
import { DelayedError, UnrecoverableError } from 'bullmq';

import { queuedFailure } from '../common/job-failure';
import { RunFailureRecorder } from './run-failure.recorder';
import { type HeldLease, LEASE_SECONDS, ScoringLease } from './scoring-lease';

type ScoreCommunity = QueuedJob<JobName.ScoreCommunity>;
/** A published run with what the log says of it; `how`: full (and why) or incremental. */
type ScoredRun = PublishedRun & { noteCount: number; ratingCount: number; how: string };
/**
 * An attempt at a run, with the lease it holds (renewed once its scoring is done) and the signal
 * its hard limit aborts (`SCORING_RUN_TIMEOUT_SECONDS`), which ends its load's connection and
 * its full scoring.
 */
type LeasedAttempt = RunAttempt & { lease: HeldLease; signal: AbortSignal };

/**
 * Scores one community: takes its lease (one run of a community at a time, in any number of
 * workers), loads its notes and ratings, scores them and publishes the run. A run asked for by
 * new writes is incremental when the last full run allows it (`IncrementalBaseStore`): only the
 * changed notes are loaded, scored against that run's frozen raters and published.
 */
@Injectable()
@HandlesJob(JobName.ScoreCommunity)
export class ScoreCommunityHandler implements JobHandler<JobName.ScoreCommunity> {
  private readonly logger = new Logger(ScoreCommunityHandler.name);
  /**
   * The attempt each job in hand started (`ScoringRunStore.start`), for its failure hook, which
   * BullMQ gives the same job object: an overtaken attempt's failure must leave the run to the
   * live one.
   */
  private readonly attempts = new WeakMap<ScoreCommunity, number>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: ScoringRunStore,
    private readonly loader: ScoringInputLoader,
    private readonly publisher: ScoringPublisher,
    private readonly bases: IncrementalBaseStore,
    private readonly env: Environment,
    private readonly lease: ScoringLease,
    private readonly failures: RunFailureRecorder,
  ) {}

  /**
   * Scores the job's run. An attempt's error reaches BullMQ as its code and fixed sentence only
   * (`queuedFailure`): BullMQ keeps what it is thrown (its message as the job's failed reason,
   * its stack, message included, in the job's stack traces) in the queue for weeks, where Bull
   * Board, whoever holds the queue's credentials, and a backup of Redis or (embedded) of the
   * database read it; the error itself reaches the failure hook, which logs it by its codes.
   */
  async handle(job: ScoreCommunity, token?: string): Promise<void> {
    try {
      await this.score(job, token);
    } catch (error) {
      throw error instanceof DelayedError ? error : queuedFailure(error, runFailureCodeOf);
    }
  }

  private async score(job: ScoreCommunity, token?: string): Promise<void> {
    const { communityId } = job.data;
    // An operator's run (its job names a run from the start) is full, as is the periodic one;
    // a run the worker records itself keeps `full: false` in its data (see `pendingRun`).
    const requestedFull = job.data.full ?? job.data.runId !== undefined;
    const runId = await this.pendingRun(job);
    const lease = await this.lease.acquire(communityId, runId);
    if (!lease) {
      // Another run of this community is in progress: come back shortly instead of running twice.
      await job.moveToDelayed(Date.now() + this.env.SCORING_BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    const renewal = setInterval(
      () => {
        this.lease
          .renew(lease)
          .catch((error: Error) =>
            this.logger.warn(`run ${runId}: scoring lease not renewed: ${errorCode(error)}`),
          );
      },
      (LEASE_SECONDS / 3) * 1_000,
    );
    renewal.unref();
    try {
      const attempt = await this.runs.start(runId, communityId);
      if (attempt === undefined) {
        // Retrying cannot make a missing or finished run appear; fail once, without retries.
        throw new UnrecoverableError(RUN_FAILURE_TEXTS.runNotPending(runId, communityId));
      }
      this.attempts.set(job, attempt);
      const deadline = new RunDeadline(runId, this.env.SCORING_RUN_TIMEOUT_SECONDS);
      const published = await deadline.race((signal) =>
        this.attempt(job, token, { runId, attempt, lease, signal }, requestedFull),
      );
      const counts = published.statusCounts;
      this.logger.log(
        `run ${runId} (${published.how}): ${published.noteCount} notes (${published.notesWritten} changed), ${published.ratingCount} ratings, community ${counts.CURRENTLY_RATED_HELPFUL} helpful, ${counts.CURRENTLY_RATED_NOT_HELPFUL} not helpful`,
      );
    } finally {
      clearInterval(renewal);
      // Only this attempt's own lease: had it passed to a retry or another run, it stays there.
      await this.lease.release(lease);
    }
  }

  /** One started attempt: plans, loads, scores and publishes the run. */
  private async attempt(
    job: ScoreCommunity,
    token: string | undefined,
    leased: LeasedAttempt,
    requestedFull: boolean,
  ): Promise<ScoredRun> {
    const { runId } = leased;
    const { communityId } = job.data;
    await job.updateProgress({ stage: 'loading', percent: 5 });
    // The run's time is part of its input: the stability rules (holds, locks) are computed
    // against it, and the run record keeps it so that a verifier can recompute the run.
    const nowMs = Date.now();
    // An operator's run and the periodic one are full; so is any run the last full one
    // cannot serve (too old, too many new ratings, or none).
    const base = requestedFull
      ? { full: 'requested' }
      : await this.bases.baseFor(communityId, nowMs);
    const published = await (
      'full' in base
        ? this.fullRun(job, leased, nowMs, `full: ${base.full}`)
        : this.incrementalRun(job, leased, nowMs, base)
    ).catch(async (error: unknown) => {
      if (error instanceof HistoriesReplaced) {
        // Its writes are later than the run that published meanwhile: scored again from a
        // fresh load, at once, the same run (not a failed attempt: nothing went wrong).
        this.logger.log(`run ${runId}: ${error.message}; loading again`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      // A retry would only redo what the newer run published: the run fails with the reason.
      throw error instanceof RunSuperseded ? new UnrecoverableError(error.message) : error;
    });
    await job.updateProgress({ stage: 'done', percent: 100 });
    return published;
  }

  private async fullRun(
    job: ScoreCommunity,
    { runId, attempt, lease, signal }: LeasedAttempt,
    nowMs: number,
    how: string,
  ): Promise<ScoredRun> {
    const loaded = await this.loader.load(job.data.communityId, nowMs, { signal });
    await job.updateProgress({ stage: 'scoring', percent: 30 });
    // Large communities are scored over SCORING_THREADS worker threads, with statuses
    // byte-identical to a run in this thread. Past the attempt's limit its scoring stops (its
    // threads terminated), so that it does not go on beside the attempt asked for next.
    const result = await scoreNotesInThreads(loaded.input, {
      threads: this.env.SCORING_THREADS,
      seed: DEFAULT_SEED,
      nowMs: loaded.nowMs,
      topicSeeds: loaded.topicSeeds,
      signal,
    });
    await this.lease.renew(lease);
    // Past its limit meanwhile, the attempt is abandoned: it publishes nothing.
    signal.throwIfAborted();
    await job.updateProgress({ stage: 'publishing', percent: 90 });
    const published = await this.publisher.publish(
      { runId, attempt },
      loaded,
      result,
      DEFAULT_SEED,
      { frozenRaters: storedFrozenRaters(result) },
    );
    return { ...published, noteCount: loaded.noteCount, ratingCount: loaded.ratingCount, how };
  }

  private async incrementalRun(
    job: ScoreCommunity,
    leased: LeasedAttempt,
    nowMs: number,
    base: IncrementalBase,
  ): Promise<ScoredRun> {
    const { runId, attempt, lease, signal } = leased;
    const loaded = await this.loader.loadChanged(job.data.communityId, nowMs, base.since, {
      signal,
    });
    // Seeds changed since `baseFor` compared them: the load read the new ones, the base the old.
    if (canonicalTopicSeeds(loaded.topicSeeds) !== base.topicSeeds) {
      return this.fullRun(
        job,
        leased,
        nowMs,
        'full: the topic seeds changed since the run was planned',
      );
    }
    // Checked after the load, so that a note written meanwhile, which the load may have read, is
    // counted: a topic note needs the full algorithm (`IncrementalBaseStore.topicNotes`).
    const topicNotes = await this.bases.topicNotes(job.data.communityId);
    if (topicNotes > 0) {
      return this.fullRun(job, leased, nowMs, `full: ${topicNotes} notes with a topic`);
    }
    await job.updateProgress({ stage: 'scoring', percent: 30 });
    const result = scoreWithFrozenRaters(loaded.input, base.frozen, { nowMs: loaded.nowMs });
    await this.lease.renew(lease);
    // Past its limit meanwhile, the attempt is abandoned: it publishes nothing.
    signal.throwIfAborted();
    await job.updateProgress({ stage: 'publishing', percent: 90 });
    const published = await this.publisher.publish(
      { runId, attempt },
      loaded,
      result,
      DEFAULT_SEED,
      { incremental: { baseRunId: base.baseRunId, baseRaterFactor: base.frozen.raterFactor } },
    );
    return {
      ...published,
      noteCount: loaded.noteCount,
      ratingCount: loaded.ratingCount,
      how: `incremental on ${base.baseRunId}`,
    };
  }

  /**
   * After the last attempt, the run is marked failed with the error (unless another attempt
   * started since this one did) and, once failed, loses what its attempts staged.
   */
  async failed(job: ScoreCommunity, queued: Error, final: boolean): Promise<void> {
    const { runId } = job.data;
    if (!runId) return;
    const error = queued.cause instanceof Error ? queued.cause : queued;
    this.logger.warn(
      `run ${runId} attempt ${job.attemptsMade} failed: ${runFailureForLog(error.message, error)}`,
    );
    if (!final) return;
    await this.failures.record(runId, runFailureCode(queued.message), this.attempts.get(job));
  }

  /**
   * The run record this job serves: the operator's, when the job names one from the start, else
   * one the job records (queued) itself. Its id goes into the job's data before the record is
   * made, and making it is idempotent, so a retry serves the same run even when the first
   * attempt died in between (recorded first, the record would be left queued for ever and the
   * retry would record another).
   */
  private async pendingRun(job: ScoreCommunity): Promise<string> {
    const { communityId, runId, full } = job.data;
    // An operator's job names its run and leaves `full` unset; a recorded run's job sets it.
    if (runId && full === undefined) return runId;
    if (
      !(await this.prisma.community.findUnique({
        where: { id: communityId },
        select: { id: true },
      }))
    ) {
      throw new UnrecoverableError(`Community ${communityId} does not exist`);
    }
    const id = runId ?? randomUUID();
    if (!runId) await job.updateData({ communityId, runId: id, full: full ?? false });
    await this.runs.request(communityId, id, job.id);
    return id;
  }
}

/**
 * An attempt's hard limit (`SCORING_RUN_TIMEOUT_SECONDS` from its start): past it, the attempt
 * fails TIMED_OUT, without retries (the failure asks for the community again,
 * `RunFailureRecorder`), and its signal aborts, which destroys its load's connection (a
 * statement on a connection that hangs never returns, and the attempt would hold its run, its
 * community's lease and a slot of the scoring queue for good) and stops its full scoring, its
 * threads terminated (it would go on beside the attempt asked for next). Whatever the abandoned
 * work still does finds its run failed (the publisher writes for a live attempt only).
 */
class RunDeadline {
  private readonly controller = new AbortController();

  constructor(
    private readonly runId: string,
    private readonly seconds: number,
  ) {}

  async race<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new UnrecoverableError(RUN_FAILURE_TEXTS.timedOut(this.runId, this.seconds));
        reject(error);
        this.controller.abort(error);
      }, this.seconds * 1_000);
      // Nothing to end once the process is: a shutdown does not wait an hour for it.
      timer.unref();
    });
    const working = work(this.controller.signal);
    // Once the deadline has won, the work's own end is of no interest.
    working.catch(() => undefined);
    try {
      return await Promise.race([working, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
