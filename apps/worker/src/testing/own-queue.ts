import type { QueueSettings } from '@bridgenotes/queue';
import { currentTestRun } from '@bridgenotes/testing';

/**
 * The test run's queue settings under a prefix of the spec's own (`<run's prefix>-<suffix>`), as
 * a consumer: no other spec's worker takes its jobs (and fails them with its own hook).
 */
export function ownQueueSettings(suffix: string): QueueSettings {
  const run = currentTestRun();
  return {
    backend: run.queueBackend,
    databaseUrl: run.databaseUrl,
    redisUrl: run.redisUrl,
    prefix: `${run.queuePrefix}-${suffix}`,
    role: 'consumer',
  };
}
