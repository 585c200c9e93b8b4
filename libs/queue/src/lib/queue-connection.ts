import type { QueueBackend } from '@bridgenotes/config';
import {
  type BackendFactory,
  createPostgresBackend,
  createRedisBackend,
  type IQueueBackend,
  type PostgresPoolConfig,
  type PostgresQueueBackend,
  type Processor,
  Queue,
  QueueEvents,
  type QueueOptions,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { RedisOptions } from 'ioredis';

import { DEFAULT_JOB_OPTIONS, JobName } from './jobs';
import { QueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-options';

/** Either backend's connection options; which one is decided by `QUEUE_BACKEND`. */
type ConnectionOptions = RedisOptions | PostgresPoolConfig;

/** A queue of this system, whatever backend it runs on. */
export type JobQueue<Data, Name extends string = JobName> = Queue<
  Data,
  void,
  Name,
  Data,
  void,
  Name,
  IQueueBackend,
  ConnectionOptions
>;

/** A worker of this system, whatever backend it runs on. */
export type JobWorker<Data, Name extends string = JobName> = Worker<
  Data,
  void,
  Name,
  IQueueBackend,
  ConnectionOptions
>;

/**
 * The events of a queue of this system (every process's: the backend's event stream), whatever
 * backend it runs on.
 */
export type JobQueueEvents = QueueEvents<void, IQueueBackend, ConnectionOptions>;

/** What a worker may choose; the connection and namespace come from the configuration. */
export type JobWorkerOptions = Omit<WorkerOptions, 'connection' | 'prefix'>;

export interface QueueSettings {
  backend: QueueBackend;
  /** The PostgreSQL database the `postgres` backend keeps its `bullmq` schema in. */
  databaseUrl: string;
  redisUrl?: string;
  /**
   * The namespace of the queues: the prefix of every key in Redis, or in PostgreSQL the name of
   * BullMQ's schema (see `queueSchema`).
   */
  prefix: string;
  /**
   * A producer (the API) must fail fast while the backend is away instead of buffering commands
   * until it returns; a consumer (the worker) waits and reconnects.
   */
  role: 'producer' | 'consumer';
}

interface Connection {
  connection: ConnectionOptions;
  prefix: string;
  factory: BackendFactory<IQueueBackend, ConnectionOptions>;
}

/**
 * The PostgreSQL schema that holds the queues under a prefix: BullMQ takes only plain identifiers,
 * so dots and dashes become underscores.
 */
export function queueSchema(prefix: string): string {
  const schema = `bullmq_${prefix.replace(/[.-]/g, '_')}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`QUEUE_PREFIX "${prefix}" is too long to name a PostgreSQL schema`);
  }
  return schema;
}

function connectionFor(settings: QueueSettings): Connection {
  if (settings.backend === 'postgres') {
    return {
      connection: {
        connectionString: settings.databaseUrl,
        schema: queueSchema(settings.prefix),
        // BullMQ creates or upgrades its own schema on connect, under a transaction-scoped
        // advisory lock, so whichever process connects first prepares it.
        migrate: true,
        connectionTimeoutMillis: settings.role === 'producer' ? 2_000 : 10_000,
      },
      prefix: settings.prefix,
      factory: recoveringPostgresBackend,
    };
  }
  if (!settings.redisUrl) throw new Error('REDIS_URL is required when QUEUE_BACKEND is redis');
  return {
    connection: {
      ...redisOptionsFromUrl(settings.redisUrl),
      ...(settings.role === 'producer'
        ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
        : { maxRetriesPerRequest: null }),
      // Reconnect forever, but never faster than every two seconds.
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    },
    prefix: settings.prefix,
    factory: createRedisBackend as BackendFactory<IQueueBackend, ConnectionOptions>,
  };
}

/** What BullMQ's PostgreSQL backend and its connection keep of their first readiness check. */
interface MemoizedReadiness {
  readyPromise?: Promise<void>;
  waitUntilReady(): Promise<void>;
}

/**
 * BullMQ's PostgreSQL backend (6.7.0) memoizes its first readiness check, failure included: a
 * queue whose first connection failed (the database restarting, or an embedded database too busy
 * to accept a connection within the timeout) failed every later call, so the API's `/ready`
 * stayed 503 until a restart, where the Redis backend reconnects by itself. This forgets a failed
 * readiness, so the next call tries again. It reaches into the two private fields named
 * `readyPromise`; queue-connection.spec.ts fails if BullMQ changes them (the version is pinned).
 */
const recoveringPostgresBackend: BackendFactory<IQueueBackend, ConnectionOptions> = (
  name,
  options,
  factoryOptions,
) => {
  const backend = (createPostgresBackend as BackendFactory<IQueueBackend, ConnectionOptions>)(
    name,
    options,
    factoryOptions,
  ) as unknown as PostgresQueueBackend;
  // The connection first: the backend's own readiness awaits the connection's.
  forgetFailedReadiness(backend.connection as unknown as MemoizedReadiness);
  forgetFailedReadiness(backend as unknown as MemoizedReadiness);
  return backend as unknown as IQueueBackend;
};

function forgetFailedReadiness(target: MemoizedReadiness): void {
  const waitUntilReady = target.waitUntilReady.bind(target);
  target.waitUntilReady = () =>
    waitUntilReady().catch((error: unknown) => {
      target.readyPromise = undefined;
      throw error;
    });
}

/** Opens one of the system's queues on the configured backend. Close it when done. */
export function openQueue<Data, Name extends string = JobName>(
  name: QueueName,
  settings: QueueSettings,
): JobQueue<Data, Name> {
  const { connection, prefix, factory } = connectionFor(settings);
  const options: QueueOptions<ConnectionOptions> = {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  };
  return new Queue(name, options, factory) as JobQueue<Data, Name>;
}

/** Starts a worker on one of the system's queues, on the configured backend. */
export function startWorker<Data, Name extends string = JobName>(
  name: QueueName,
  processor: Processor<Data, void, Name>,
  settings: QueueSettings,
  options: JobWorkerOptions = {},
): JobWorker<Data, Name> {
  const { connection, prefix, factory } = connectionFor(settings);
  return new Worker(name, processor, { ...options, connection, prefix }, factory) as JobWorker<
    Data,
    Name
  >;
}

/**
 * Listens to the events of one of the system's queues, on the configured backend, from now on (a
 * connection of its own). Close it when done.
 */
export function openQueueEvents(name: QueueName, settings: QueueSettings): JobQueueEvents {
  const { connection, prefix, factory } = connectionFor(settings);
  return new QueueEvents(name, { connection, prefix }, factory) as JobQueueEvents;
}
