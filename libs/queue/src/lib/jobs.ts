import type { Environment } from '@bridgenotes/config';
import type { Job, JobsOptions, RepeatOptions } from 'bullmq';

import { QueueName } from './queue-names';

export enum JobName {
  ScoreCommunity = 'score-community',
  RescoreAll = 'rescore-all',
  DeliverWebhook = 'deliver-webhook',
  PullMirror = 'pull-mirror',
  PullMirrors = 'pull-mirrors',
  PruneDailyCounts = 'prune-daily-counts',
}

/**
 * Rescore one community. `runId` names the `ScoringRun` row an operator's request created;
 * without it (a rescoring asked for by new notes and ratings) the worker records a run itself.
 * `full` asks for a full run (the periodic rescoring); without it, and without `runId`, the
 * worker scores only the changed notes against the last full run's raters when that run is
 * recent enough (`SCORING_FULL_RUN_INTERVAL_SECONDS`, `SCORING_FULL_RUN_AFTER_RATINGS`).
 */
export interface ScoreCommunityJob {
  communityId: string;
  runId?: string;
  full?: boolean;
}

/** The periodic full rescoring: one `score-community` job for every community. */
export type RescoreAllJob = Record<string, never>;

/** Deliver one status-change event (a `webhook_deliveries` row) to its community's webhook. */
export interface DeliverWebhookJob {
  deliveryId: string;
}

/** Pull one mirrored community from its origin (see libs/mirroring). */
export interface PullMirrorJob {
  mirrorId: string;
}

/** The periodic pull: one `pull-mirror` job for every community this instance follows. */
export type PullMirrorsJob = Record<string, never>;

/** The periodic pruning of the daily quota counts: only today's are kept. */
export type PruneDailyCountsJob = Record<string, never>;

/**
 * Retries of one webhook delivery: the waits double from 30 s (30 s × 2^0…2^10), about 17 hours
 * between the first and the last attempt.
 */
const WEBHOOK_ATTEMPTS = 12;
const WEBHOOK_BACKOFF_MS = 30_000;

/**
 * How a job runs: its queue, the options every enqueue of it gets (after the queue's defaults,
 * before the caller's own), and, for a periodic job, its schedule from the configuration
 * (undefined: not scheduled). Every worker upserts the same schedule, named after the job, so
 * there is one however many workers run.
 */
export interface JobDefinition<Data> {
  queue: QueueName;
  options?: (data: Data) => JobsOptions;
  schedule?: (env: Environment) => RepeatOptions | undefined;
}

/**
 * The job catalogue: the one place that says which payload each job carries, on which queue it
 * runs and how. `enqueue` and the worker's handlers are typed from it, so a producer cannot
 * enqueue a payload its handler does not expect. A new job is an entry here and its handler.
 */
export const JOBS = {
  [JobName.ScoreCommunity]: { queue: QueueName.Scoring } as JobDefinition<ScoreCommunityJob>,
  [JobName.RescoreAll]: {
    queue: QueueName.Scoring,
    schedule: (env) =>
      env.SCORING_CRON === 'off' ? undefined : { pattern: env.SCORING_CRON, tz: 'UTC' },
  } as JobDefinition<RescoreAllJob>,
  [JobName.DeliverWebhook]: {
    queue: QueueName.Webhooks,
    // The job id is the delivery's: a delivery handed over twice is one job.
    options: ({ deliveryId }) => ({
      jobId: deliveryId,
      attempts: WEBHOOK_ATTEMPTS,
      backoff: { type: 'exponential', delay: WEBHOOK_BACKOFF_MS },
    }),
  } as JobDefinition<DeliverWebhookJob>,
  [JobName.PullMirror]: {
    queue: QueueName.Mirroring,
    // Requests to pull one mirror join the one waiting or running: one pull of a mirror at a time.
    options: ({ mirrorId }) => ({ deduplication: { id: `pull:${mirrorId}` } }),
  } as JobDefinition<PullMirrorJob>,
  [JobName.PullMirrors]: {
    queue: QueueName.Mirroring,
    schedule: (env) =>
      env.MIRROR_PULL_SECONDS === 0 ? undefined : { every: env.MIRROR_PULL_SECONDS * 1_000 },
  } as JobDefinition<PullMirrorsJob>,
  [JobName.PruneDailyCounts]: {
    // A few milliseconds' delete, once a day: it shares the scoring queue, where the other
    // periodic database work runs, rather than having a queue of its own.
    queue: QueueName.Scoring,
    schedule: (env) =>
      env.DAILY_COUNTS_PRUNE_CRON === 'off'
        ? undefined
        : { pattern: env.DAILY_COUNTS_PRUNE_CRON, tz: 'UTC' },
  } as JobDefinition<PruneDailyCountsJob>,
} satisfies { readonly [Name in JobName]: JobDefinition<never> };

/** The payload of a job, as the catalogue declares it. */
export type JobData<Name extends JobName> =
  (typeof JOBS)[Name] extends JobDefinition<infer Data> ? Data : never;

/** A job as its handler receives it. */
export type QueuedJob<Name extends JobName> = Job<JobData<Name>, void, Name>;

/**
 * Whether a job read back from a queue (`Queue.getJob`, typed by no name) is one of `name`: its
 * payload is then the one the catalogue declares.
 */
export function isJob<Name extends JobName>(
  job: Job<unknown, unknown, string> | undefined,
  name: Name,
): job is QueuedJob<Name> {
  return job?.name === name;
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Finished jobs are only a cache of what PostgreSQL records; keep a bounded tail for Bull Board.
  removeOnComplete: { count: 1_000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 5_000, age: 30 * 24 * 3600 },
};
