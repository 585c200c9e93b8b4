import { getQueueToken } from '@nestjs/bull-shared';
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { Processor } from 'bullmq';

import { JobProducer } from './job-producer';
import { JobName } from './jobs';
import {
  JobQueue,
  JobQueueEvents,
  JobWorker,
  JobWorkerOptions,
  openQueue,
  openQueueEvents,
  QueueSettings,
  startWorker,
} from './queue-connection';
import { logQueueErrors } from './queue-error-logger';
import { QueueName } from './queue-names';

const QUEUE_SETTINGS = Symbol('QUEUE_SETTINGS');

/**
 * The injection token of one of the system's queues: the one `@nestjs/bull-shared` defines, which
 * is where Bull Board's Nest module looks the queues up.
 */
export function queueToken(name: QueueName): string {
  return getQueueToken(name);
}

export function InjectQueue(name: QueueName): ParameterDecorator {
  return Inject(queueToken(name));
}

/**
 * Builds every BullMQ queue, worker and event listener of the process on the backend the
 * configuration names (`QUEUE_BACKEND`), so no other code knows whether the queues live in Redis
 * or PostgreSQL.
 */
@Injectable()
export class QueueFactory implements OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private readonly queues: JobQueue<unknown>[] = [];

  constructor(@Inject(QUEUE_SETTINGS) readonly settings: QueueSettings) {}

  queue<Data>(name: QueueName): JobQueue<Data> {
    const queue = openQueue<Data>(name, this.settings);
    logQueueErrors(queue, `queue "${name}"`, this.logger);
    this.queues.push(queue as JobQueue<unknown>);
    return queue;
  }

  /** Every queue of the process (all of `QueueName`, once the module has been created). */
  get opened(): readonly JobQueue<unknown>[] {
    return this.queues;
  }

  /** The owner closes it (before the database goes, so active jobs can finish). */
  worker<Data, Name extends string = JobName>(
    name: QueueName,
    processor: Processor<Data, void, Name>,
    options: JobWorkerOptions,
  ): JobWorker<Data, Name> {
    const worker = startWorker(name, processor, this.settings, options);
    logQueueErrors(worker, `${name} worker`, this.logger);
    return worker;
  }

  /**
   * The events of a queue, every process's (a job failed by any process's worker, say), from
   * now on. The owner closes it.
   */
  events(name: QueueName): JobQueueEvents {
    const events = openQueueEvents(name, this.settings);
    logQueueErrors(events, `${name} queue events`, this.logger);
    return events;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
  }
}

export interface QueueModuleOptions {
  role: QueueSettings['role'];
}

/**
 * Registers every queue in `QueueName` on the configured backend, and `JobProducer` over them, for
 * injection anywhere.
 */
@Module({})
export class QueueModule {
  static forRoot({ role }: QueueModuleOptions): DynamicModule {
    const queues = Object.values(QueueName).map((name) => ({
      provide: queueToken(name),
      inject: [QueueFactory],
      useFactory: (factory: QueueFactory) => factory.queue(name),
    }));
    return {
      module: QueueModule,
      global: true,
      providers: [
        {
          provide: QUEUE_SETTINGS,
          inject: [Environment],
          useFactory: (env: Environment): QueueSettings => ({
            backend: env.QUEUE_BACKEND,
            databaseUrl: env.DATABASE_URL,
            redisUrl: env.REDIS_URL,
            prefix: env.QUEUE_PREFIX,
            role,
          }),
        },
        QueueFactory,
        ...queues,
        {
          provide: JobProducer,
          inject: queues.map(({ provide }) => provide),
          useFactory: (...opened: JobQueue<unknown, string>[]) =>
            new JobProducer(new Map(Object.values(QueueName).map((name, i) => [name, opened[i]]))),
        },
      ],
      exports: [JobProducer, QueueFactory, ...queues.map(({ provide }) => provide)],
    };
  }
}
