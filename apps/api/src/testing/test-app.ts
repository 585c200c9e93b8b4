import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { createHash } from 'node:crypto';

import { AppModule } from '../app/app.module';
import { configureApp } from '../app/configure-app';

export const OPERATOR_KEY = 'test-operator-key';
export const OPERATOR_KEY_SHA256 = createHash('sha256').update(OPERATOR_KEY).digest('hex');

/**
 * Boots the real API (every module, pipe and filter) against the run's PostgreSQL and Redis,
 * with `env` applied on top of the test run's environment while the app reads its configuration,
 * and `override` replacing providers where a test needs a part in a given state.
 */
export async function createTestApp(
  env: Record<string, string | undefined> = {},
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, { OPERATOR_API_KEY_SHA256: OPERATOR_KEY_SHA256 }, env);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
  }
  try {
    const moduleRef = await override(Test.createTestingModule({ imports: [AppModule] })).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>();
    configureApp(app);
    return await app.init();
  } finally {
    process.env = saved;
  }
}

/**
 * The API with writes sealed in batches of `k` members, by hand (`Sealer.sealDue`): the timer
 * and the longest wait never fire during a test.
 */
export function createSealedByHandApp(k: number): Promise<INestApplication> {
  return createTestApp({
    SEAL_WINDOW_SECONDS: '3600',
    SEAL_MIN_MEMBERS: String(k),
    SEAL_MAX_WAIT_SECONDS: '0',
  });
}
