import type { JobsOptions } from 'bullmq';

import { QueueName } from './queue-names';

export enum JobName {
  ScoreCommunity = 'score-community',
  RescoreAll = 'rescore-all',
  DeliverWebhook = 'deliver-webhook',
  PullMirror = 'pull-mirror',
  PullMirrors = 'pull-mirrors',
}

/**
 * Rescore one community. `runId` names the `ScoringRun` row an operator's request created;
 * without it (a rescoring asked for by new notes and ratings) the worker records a run itself.
 */
export interface ScoreCommunityJob {
  communityId: string;
  runId?: string;
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

/** Requests to pull one mirror join the one waiting or running: a mirror is pulled once at a time. */
export const pullMirrorJobOptions = (mirrorId: string): JobsOptions => ({
  deduplication: { id: `pull:${mirrorId}` },
});

/** The periodic pull: one `pull-mirror` job for every community this instance follows. */
export type PullMirrorsJob = Record<string, never>;

/**
 * The one place that says which payload each job carries and on which queue it runs, so a
 * producer cannot enqueue a payload its consumer does not expect.
 */
export interface JobPayloads {
  [JobName.ScoreCommunity]: ScoreCommunityJob;
  [JobName.RescoreAll]: RescoreAllJob;
  [JobName.DeliverWebhook]: DeliverWebhookJob;
  [JobName.PullMirror]: PullMirrorJob;
  [JobName.PullMirrors]: PullMirrorsJob;
}

export const JOB_QUEUE: { readonly [Name in JobName]: QueueName } = {
  [JobName.ScoreCommunity]: QueueName.Scoring,
  [JobName.RescoreAll]: QueueName.Scoring,
  [JobName.DeliverWebhook]: QueueName.Webhooks,
  [JobName.PullMirror]: QueueName.Mirroring,
  [JobName.PullMirrors]: QueueName.Mirroring,
};

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Finished jobs are only a cache of what PostgreSQL records; keep a bounded tail for Bull Board.
  removeOnComplete: { count: 1_000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 5_000, age: 30 * 24 * 3600 },
};
