import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { getOptionsToken, getStorageToken, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { Environment } from '@bridgenotes/config';

import { ClientThrottlerGuard } from './client-throttler.guard';
import { FloodFigures } from './flood-figures';
import { ProofFailuresInterceptor } from './proof-failures.interceptor';
import { RateLimitBudgets } from './rate-limit-budgets';
import { RATE_LIMIT_CLASSES, rateLimitClassOf } from './rate-limit-class';
import { RateLimitStore } from './rate-limit-store';
import { RouteClasses } from './route-classes';

/**
 * Per-client rate limits at the edge, one budget per class of route (docs/operations.md).
 * `ThrottlerModule.forRoot` is not used: its storage would be built outside Nest's lifecycle,
 * and ours must close its Redis connection on shutdown.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: APP_GUARD, useClass: ClientThrottlerGuard },
    { provide: APP_INTERCEPTOR, useClass: ProofFailuresInterceptor },
    {
      provide: getOptionsToken(),
      inject: [Environment],
      useFactory: (env: Environment): ThrottlerModuleOptions => ({
        throttlers: RATE_LIMIT_CLASSES.map((name) => ({
          name,
          ttl: env.RATE_LIMIT_WINDOW_SECONDS * 1_000,
          limit: 1,
          skipIf: (context) => rateLimitClassOf(context) !== name,
        })),
      }),
    },
    { provide: getStorageToken(), useExisting: RateLimitStore },
    RateLimitBudgets,
    RateLimitStore,
    RouteClasses,
    FloodFigures,
  ],
  exports: [RateLimitBudgets, RouteClasses, FloodFigures],
})
export class ThrottlingModule {}
