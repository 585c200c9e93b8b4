import type { INestApplicationContext, Provider, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '@bridgenotes/config';
import { PrismaModule } from '@bridgenotes/database';
import { QueueModule } from '@bridgenotes/queue';

/**
 * Part of the worker on the test run's database and queues: the configuration, the database,
 * the queues as a consumer, and the given modules and providers (the queue workers, a feature, a
 * handler of the test's own). Settings (a namespace of the test's own, `QUEUE_PREFIX`) go in
 * `process.env` before the call. Close it when done.
 */
export async function bootQueueConsumer(
  imports: Type[],
  providers: Provider[] = [],
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, PrismaModule, QueueModule.forRoot({ role: 'consumer' }), ...imports],
    providers,
  }).compile();
  return moduleRef.init();
}
