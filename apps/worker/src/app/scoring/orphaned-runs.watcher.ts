import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  errorCode,
  RUN_FAILURE_TEXTS,
  runFailureCode,
  runFailureForLog,
  ScoringRunStore,
  type PendingRun,
} from '@bridgenotes/database';
import {
  InjectQueue,
  isJob,
  JobName,
  type JobQueue,
  type JobQueueEvents,
  QueueFactory,
  QueueName,
} from '@bridgenotes/queue';

import { PollingLoop } from '../common/polling-loop';
import { RunFailureRecorder } from './run-failure.recorder';

/**
 * How often every pending run is checked against its job: a failure the queue's events did not
 * bring (this worker was down, or its database write failed) is settled within this.
 */
export const SWEEP_MS = 60_000;

/**
 * How long a run may go without its job being found in the queue: an operator's run is recorded
 * before its job is added (within 3 s, or the API deletes it again).
 */
export const UNQUEUED_GRACE_MS = 60_000;

/**
 * The same for a run recorded before runs named their job: it is looked for under the run's id
 * (an operator's run's job), which a worker's own run of that time was not named; its next
 * attempt names it, so such a run not found that long is one nothing serves any more.
 */
export const UNNAMED_GRACE_MS = 24 * 3_600_000;

/**
 * Fails the scoring runs no attempt will ever finish: those whose job BullMQ has failed, or no
 * longer has, and those past their hard limit (`SCORING_RUN_TIMEOUT_SECONDS`). The failure hook
 * (`ScoreCommunityHandler.failed`) is not enough: it runs once, in the process whose worker
 * moved the job to failed, so a write of its that failed (the database
 * away) or a process killed in between left the run `RUNNING` for good, with its staged rows.
 * And some failures reach no hook at all: BullMQ fails a job found stalled too often (its lock
 * ran out more than `maxStalledCount` times: its worker killed mid-run, or blocked) only when a
 * worker next takes it, which a worker whose every slot is held by a hung attempt never does; a
 * job removed by hand, or lost with the queue's data, fails nowhere.
 *
 * Apart from the hard limit (the database's clock only, read in one statement), BullMQ's own
 * word decides, never a clock: the queue's `failed` events (every process's, carrying the failed
 * reason) settle a run at once, and a sweep every `SWEEP_MS` looks up the job of every pending
 * run for what the events missed (this worker was down, or its write failed). A
 * job waiting, delayed or active (a live attempt holds its lock, or BullMQ has yet to find it
 * stalled and hand it to a retry) leaves its run alone; the run is failed only conditionally on
 * the attempt count read before the job's state, so an attempt starting meanwhile (a failed job
 * retried by hand) keeps it. Only a job that is missing waits for a grace (`UNQUEUED_GRACE_MS`).
 * A run is failed by `RunFailureRecorder`, which the job's failure hook shares: one of the two
 * records it, and the community is asked for again when the failure was the system's.
 */
@Injectable()
export class OrphanedRunsWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OrphanedRunsWatcher.name);
  private readonly loop = new PollingLoop(
    'checking pending scoring runs against their jobs',
    SWEEP_MS,
    () => this.sweep(),
    this.logger,
  );
  private events?: JobQueueEvents;

  constructor(
    private readonly runs: ScoringRunStore,
    private readonly failures: RunFailureRecorder,
    private readonly env: Environment,
    private readonly queues: QueueFactory,
    @InjectQueue(QueueName.Scoring) private readonly queue: JobQueue<unknown, string>,
  ) {}

  onApplicationBootstrap(): void {
    this.events = this.queues.events(QueueName.Scoring);
    this.events.on('failed', ({ jobId }) => {
      this.jobFailed(jobId).catch((error: Error) =>
        this.logger.warn(`job ${jobId} failed, its run not settled yet: ${errorCode(error)}`),
      );
    });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.events?.close();
  }

  /** A job failed for good in some process: its run, if still pending, fails with it. */
  async jobFailed(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (!isJob(job, JobName.ScoreCommunity) || !job.data.runId) return;
    // A run recorded before runs named their job is this one's.
    for (const run of await this.runs.pending(job.data.runId)) {
      await this.settle({ ...run, jobId: run.jobId ?? jobId });
    }
  }

  /**
   * One pass over every pending run; returns the ids of the runs it failed. First the runs past
   * their hard limit (`SCORING_RUN_TIMEOUT_SECONDS` since their attempt started, by the
   * database's clock), whatever their job says (an attempt hung on a connection keeps its job
   * active, its lock renewed, for good), unless no attempt of it runs that long (`attemptRuns`).
   */
  async sweep(): Promise<string[]> {
    const failed: string[] = [];
    const limit = this.env.SCORING_RUN_TIMEOUT_SECONDS;
    for (const { runId, attempts, jobId, dueBefore } of await this.runs.overdue(limit)) {
      if (!(await this.attemptRuns(jobId ?? runId, dueBefore))) continue;
      if (await this.failures.record(runId, 'TIMED_OUT', attempts)) {
        this.logger.warn(`run ${runId} failed: ${RUN_FAILURE_TEXTS.timedOut(runId, limit)}`);
        failed.push(runId);
      }
    }
    for (const run of await this.runs.pending()) {
      if (await this.settle(run)) failed.push(run.runId);
    }
    return failed;
  }

  /**
   * Whether an overdue run's attempt may be the one still running (hung): not when its job waits
   * for its next attempt, held back after a failed one (BullMQ's backoff) or while its community's
   * lease is held (`SCORING_BUSY_RETRY_MS`); nor when it is back in waiting because its worker,
   * killed or blocked, stopped renewing its lock: BullMQ's stall check moves it there within
   * `SCORING_LOCK_SECONDS` and two check intervals, and BullMQ's stall handling has it from then (a
   * retry takes it, or, stalled too often, it fails when next taken, else `settle` fails the run
   * from its deferred failure); a blocked worker's stalled attempt carries on once unblocked (its
   * own timer ends it at the limit; once a retry has started, its writes are refused). Nor when its
   * job is active but was taken after `dueBefore` (the run's limit's bound, the database's clock):
   * each take is active a moment before its attempt starts (the run recorded, its lease tried, then
   * the job delayed again when the lease is held), so the take is not the overdue attempt. The next
   * attempt starts the limit again: the run keeps the start of the one before until then. A failed,
   * completed or missing job's run is failed (no attempt runs).
   */
  private async attemptRuns(jobId: string, dueBefore: Date): Promise<boolean> {
    // The state first: a take after it is later still, and its time read below is that take's.
    const state = await this.queue.getJobState(jobId);
    if (state === 'delayed' || state === 'waiting' || state === 'prioritized') return false;
    if (state !== 'active') return true;
    // BullMQ stamps every take (`processedOn`, by the taking worker's clock; a skew short of the
    // limit only moves when a hung attempt is failed, by as much).
    const takenAt = (await this.queue.getJob(jobId))?.processedOn;
    return takenAt === undefined || takenAt < dueBefore.getTime();
  }

  /** Fails the run (`RunFailureRecorder`) when its job says no attempt will finish it. */
  private async settle(run: PendingRun): Promise<boolean> {
    const reason = await this.orphaned(run);
    if (reason === undefined) return false;
    const failed = await this.failures.record(run.runId, runFailureCode(reason), run.attempts);
    if (failed) this.logger.warn(`run ${run.runId} failed: ${runFailureForLog(reason)}`);
    return failed;
  }

  /**
   * Why no attempt will finish the run, or undefined while its job may still: a text the system
   * names, or the job's failed reason (the code and sentence the handler failed it with,
   * BullMQ's stalled reason, or an older job's own text, read for its code only).
   */
  private async orphaned(run: PendingRun): Promise<string | undefined> {
    const jobId = run.jobId ?? run.runId;
    // The state first: a job read after it has its failed reason.
    const state = await this.queue.getJobState(jobId);
    if (state === 'unknown') {
      const grace = run.jobId === null ? UNNAMED_GRACE_MS : UNQUEUED_GRACE_MS;
      if (Date.now() - run.requestedAt.getTime() < grace) return undefined;
      return RUN_FAILURE_TEXTS.jobLost(jobId);
    }
    const job = await this.queue.getJob(jobId);
    // Gone since (the next pass decides), or started more often than the job was taken: an
    // attempt the queue does not account for (which it cannot vouch for either way) has it.
    if (!job || run.attempts > job.attemptsStarted) return undefined;
    switch (state) {
      case 'failed':
        return job.failedReason || `its job ${jobId} failed`;
      case 'completed':
        return RUN_FAILURE_TEXTS.jobCompletedUnpublished(jobId);
      case 'active':
        return undefined;
      default:
        // Waiting or delayed. BullMQ fails a job found stalled too often when a worker next
        // takes it, which a worker whose every slot is held never does: it is failed already.
        return job.deferredFailure || undefined;
    }
  }
}
