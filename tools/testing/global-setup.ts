import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { createMigratedDatabase } from '../../libs/database/src/lib/database-admin';
import {
  DEFAULT_TEST_DATABASE_URL,
  DEFAULT_TEST_REDIS_URL,
} from '../../libs/testing/src/lib/test-environment';

// Jest loads global hooks with Node's own resolver, which knows no tsconfig paths: hence the
// relative imports. This file is workspace tooling, outside every Nx project.

/**
 * Creates this run's database on the server named by DATABASE_URL, migrates it, and points the
 * test workers (which inherit this process's environment) at it and at a fresh queue prefix.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createMigratedDatabase(
    process.env['DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL,
    `bridgenotes_test_${runId}`,
    join(__dirname, '..', '..', 'prisma', 'migrations'),
  );

  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env['REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL,
    QUEUE_PREFIX: `bn-test-${runId}`,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    // Every test app starts its verifier threads: one each (the same code as in production)
    // keeps many suites booting apps side by side cheap on a small machine.
    PROOF_VERIFIER_THREADS: process.env['PROOF_VERIFIER_THREADS'] ?? '1',
  });
}
