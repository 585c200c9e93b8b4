import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';

import { DEFAULT_JOB_OPTIONS } from './jobs';
import { QueueErrorLogger } from './queue-error-logger';
import { QueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-options';

export interface QueueModuleOptions {
  /**
   * A producer (the API) must fail fast while Redis is away instead of buffering commands in
   * memory until it returns; a consumer (the worker) waits and reconnects.
   */
  role: 'producer' | 'consumer';
}

/** Connects BullMQ to `REDIS_URL` under `QUEUE_PREFIX` and registers every queue. */
@Module({})
export class QueueModule {
  static forRoot({ role }: QueueModuleOptions): DynamicModule {
    const queues = Object.values(QueueName).map((name) =>
      BullModule.registerQueue({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    );
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [Environment],
          useFactory: (env: Environment) => ({
            prefix: env.QUEUE_PREFIX,
            connection: {
              ...redisOptionsFromUrl(env.REDIS_URL),
              ...(role === 'producer'
                ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
                : { maxRetriesPerRequest: null }),
              // Reconnect forever, but never faster than every two seconds.
              retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
            },
          }),
        }),
        ...queues,
      ],
      providers: [QueueErrorLogger],
      exports: [BullModule],
    };
  }
}
