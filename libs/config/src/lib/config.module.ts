import { Global, Module } from '@nestjs/common';

import { Environment, validateEnvironment } from './environment';
import { readEnvironment } from './read-environment';

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
