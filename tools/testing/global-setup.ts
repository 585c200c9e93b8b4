import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import Redis from 'ioredis';

import { createMigratedDatabase } from '../../libs/database/src/lib/database-admin';
import {
  EMBEDDED_DATABASE_NAME,
  startEmbeddedDatabase,
} from '../../libs/embedded/src/lib/embedded-database';
import {
  DEFAULT_TEST_DATABASE_URL,
  DEFAULT_TEST_REDIS_URL,
} from '../../libs/testing/src/lib/test-environment';
import { redisOptionsFromUrl } from '../../libs/queue/src/lib/redis-options';
import { redisPersistence } from '../../libs/queue/src/lib/redis-persistence';
import { EMBEDDED_TEST_DATABASE } from './embedded-test-database';
import { migratedClusterDump } from './migrated-cluster-dump';

// Jest loads global hooks with Node's own resolver, which knows no tsconfig paths: hence the
// relative imports. This file is workspace tooling, outside every Nx project.

/**
 * Creates this run's database on the server named by DATABASE_URL, migrates it, and points the
 * test workers (which inherit this process's environment) at it and at a fresh queue prefix.
 *
 * With BRIDGENOTES_MODE=embedded (the embedded pass of `npm test`) the run gets an in-memory
 * PGlite of its own instead, served on a free loopback port for as long as the run lasts, and the
 * queues live in it too (QUEUE_BACKEND=postgres): no PostgreSQL or Redis server is involved.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const migrations = join(__dirname, '..', '..', 'prisma', 'migrations');
  const embedded = process.env['BRIDGENOTES_MODE'] === 'embedded';

  let databaseUrl: string;
  if (embedded) {
    // The migrations already applied (made once, then loaded): the call below only checks them.
    const migrated = await migratedClusterDump(migrations);
    const database = await startEmbeddedDatabase({ clusterDump: migrated.dump });
    // Second instances' databases (mirroring) start from it too: currentTestRun().clusterDump.
    process.env['TEST_CLUSTER_DUMP'] = migrated.file;
    (globalThis as Record<symbol, unknown>)[EMBEDDED_TEST_DATABASE] = database;
    databaseUrl = await createMigratedDatabase(database.url, EMBEDDED_DATABASE_NAME, migrations);
  } else {
    databaseUrl = await createMigratedDatabase(
      process.env['DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL,
      `bridgenotes_test_${runId}`,
      migrations,
    );
  }

  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `bn-test-${runId}`,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    // Suites make hundreds of requests from one address; the rate-limit suites turn limits on.
    RATE_LIMIT_READS: process.env['RATE_LIMIT_READS'] ?? '0',
    RATE_LIMIT_JOINS: process.env['RATE_LIMIT_JOINS'] ?? '0',
    RATE_LIMIT_WRITES: process.env['RATE_LIMIT_WRITES'] ?? '0',
    RATE_LIMIT_OPERATOR: process.env['RATE_LIMIT_OPERATOR'] ?? '0',
    NOTES_PER_DAY: process.env['NOTES_PER_DAY'] ?? '0',
    NOTE_REQUESTS_PER_DAY: process.env['NOTE_REQUESTS_PER_DAY'] ?? '0',
    // Writes are sealed in their request, as before batching; the unlinkability suites batch.
    SEAL_WINDOW_SECONDS: process.env['SEAL_WINDOW_SECONDS'] ?? '0',
    // Suites build communities of one to a few members and prove in them: the minimum
    // anonymity set of proofs (20 by default) is off here, and its own spec turns it back on.
    PROOF_MIN_MEMBERS: process.env['PROOF_MIN_MEMBERS'] ?? '1',
    // Every test app starts its verifier threads: one each (the same code as in production)
    // keeps many suites booting apps side by side cheap on a small machine.
    PROOF_VERIFIER_THREADS: process.env['PROOF_VERIFIER_THREADS'] ?? '1',
    // Mirrors follow origins the suites start on loopback; the origin-address spec turns it off.
    MIRROR_ALLOW_PRIVATE_ORIGINS: process.env['MIRROR_ALLOW_PRIVATE_ORIGINS'] ?? 'true',
  });
  if (embedded) {
    process.env['QUEUE_BACKEND'] = 'postgres';
    // As `npm start` runs the apps on the embedded database.
    process.env['DATABASE_POOL_WAIT_SECONDS'] = process.env['DATABASE_POOL_WAIT_SECONDS'] ?? '30';
    delete process.env['REDIS_URL'];
  } else {
    process.env['REDIS_URL'] = process.env['REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL;
    if (process.env['QUEUE_BACKEND'] !== 'postgres') {
      process.env['TEST_REDIS_PERSISTENCE'] = await persistenceOf(process.env['REDIS_URL']);
    }
  }
}

/**
 * What the run's Redis keeps on disk (`none`, or what; `unknown` where it refuses CONFIG), read
 * here so that a suite needing a Redis that keeps nothing (the rate limits' own) knows before its
 * tests are collected which of them it can run.
 */
async function persistenceOf(url: string): Promise<string> {
  const redis = new Redis({ ...redisOptionsFromUrl(url), maxRetriesPerRequest: 1 });
  try {
    return (await redisPersistence(redis)) ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}
