import { Global, Module } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

import { Environment, validateEnvironment } from './environment';

/** Variables from `./.env` when it exists; the real environment wins over the file. */
function readEnvironment(): Record<string, string | undefined> {
  const file = '.env';
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/**
 * Provides the validated `Environment` to both apps. Validation runs when the app is created,
 * not when this file is imported, so a bad variable surfaces as one readable start-up error.
 * Inject it by its class: `constructor(private readonly env: Environment)`.
 */
@Global()
@Module({
  providers: [{ provide: Environment, useFactory: () => validateEnvironment(readEnvironment()) }],
  exports: [Environment],
})
export class ConfigModule {}
