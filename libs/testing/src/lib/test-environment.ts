// Where a test run keeps its data: a database created for the run and a queue namespace (a Redis
// key prefix, or a schema in that database) of its own, so tests never touch a developer's data
// and can run beside `npm start`.
import type { QueueBackend } from '@bridgenotes/config';

export const DEFAULT_TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/bridgenotes';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export interface TestRun {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** `postgres` in the embedded pass of `npm test`, where no Redis is used at all. */
  queueBackend: QueueBackend;
  /** The embedded pass of `npm test`: one in-memory PGlite database, no servers. */
  embedded: boolean;
  /**
   * What the run's Redis keeps on disk, as the global setup read it: `none`, what it keeps, or
   * `unknown` (it refuses CONFIG); undefined without Redis.
   */
  redisPersistence: string | undefined;
  /**
   * In the embedded pass, the file of the migrated cluster the run's database started from, for
   * another in-memory database to start from too; undefined on the servers.
   */
  clusterDump: string | undefined;
}

/** Written by the global setup, read by tests and the teardown. */
export function currentTestRun(): TestRun {
  const databaseUrl = process.env['DATABASE_URL'];
  const queuePrefix = process.env['QUEUE_PREFIX'];
  if (!databaseUrl || !queuePrefix?.startsWith('bn-test-')) {
    throw new Error('Tests must run through their Jest global setup (npm test)');
  }
  return {
    databaseUrl,
    redisUrl: process.env['REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL,
    queuePrefix,
    queueBackend: process.env['QUEUE_BACKEND'] === 'postgres' ? 'postgres' : 'redis',
    embedded: process.env['BRIDGENOTES_MODE'] === 'embedded',
    redisPersistence: process.env['TEST_REDIS_PERSISTENCE'],
    clusterDump: process.env['TEST_CLUSTER_DUMP'],
  };
}
