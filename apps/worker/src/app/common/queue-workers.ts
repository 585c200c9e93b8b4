import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, Reflector } from '@nestjs/core';
import { Environment } from '@bridgenotes/config';
import { errorCode } from '@bridgenotes/database';
import {
  HANDLES_JOB,
  JOBS,
  JobHandler,
  JobName,
  JobProducer,
  JobWorker,
  JobWorkerOptions,
  QueueFactory,
  QueueName,
} from '@bridgenotes/queue';
import { UnrecoverableError } from 'bullmq';

import { queueable, queuedFailure } from './job-failure';
import { PollingLoop } from './polling-loop';

type AnyHandler = JobHandler<JobName>;

/**
 * How often the schedules of the periodic jobs are checked for and set again when the queue has
 * lost them (Redis restarted empty, flushed, or evicting).
 */
export const SCHEDULE_CHECK_MS = 60_000;

/**
 * How each queue's worker takes jobs. The scoring lock bounds how soon a run whose worker died
 * is picked up again (stalled-job recovery), and must outlast the synchronous scoring step;
 * mirror pulls run one at a time, since they compete for the same CPU (proof checks).
 */
const WORKER_OPTIONS: { [Queue in QueueName]: (env: Environment) => JobWorkerOptions } = {
  [QueueName.Scoring]: (env) => ({
    concurrency: env.SCORING_CONCURRENCY,
    lockDuration: env.SCORING_LOCK_SECONDS * 1_000,
    stalledInterval: Math.min(30_000, (env.SCORING_LOCK_SECONDS * 1_000) / 2),
  }),
  [QueueName.Webhooks]: () => ({ concurrency: 4 }),
  [QueueName.Mirroring]: () => ({ concurrency: 1 }),
};

/**
 * Runs every job handler of the worker (the providers marked `@HandlesJob`): one BullMQ worker
 * per queue that has handlers, which hands each job to its handler by name, and the schedules
 * of the catalogue's periodic jobs. A job nobody handles fails at once, without retries. Every
 * job fails in the queue with a code and fixed sentence only, and no stack (`queuedFailure`).
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly workers: JobWorker<unknown, string>[] = [];
  private readonly queues: QueueName[] = [];
  private stopping = false;
  private readonly scheduleCheck = new PollingLoop(
    'checking the schedules of the periodic jobs',
    SCHEDULE_CHECK_MS,
    () => this.restoreSchedules(),
    this.logger,
  );

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly factory: QueueFactory,
    private readonly jobs: JobProducer,
    private readonly env: Environment,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Each queue starts on its own: one whose handler prepares slowly (the mirror's curve) does
    // not hold the others back.
    await Promise.all(
      [...this.handlersByQueue()].map(([queue, handlers]) => this.start(queue, handlers)),
    );
    this.scheduleCheck.start();
  }

  /** Sets again the schedules the queues lost; returns the jobs whose schedule it set. */
  async restoreSchedules(): Promise<JobName[]> {
    const restored = await this.jobs.restoreSchedules(this.env, this.queues);
    if (restored.length > 0) {
      this.logger.warn(`the queue had lost the schedule of ${restored.join(', ')}: set again`);
    }
    return restored;
  }

  /**
   * Stops taking jobs and waits for the active ones before the database connection closes (in
   * the later shutdown phase).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.scheduleCheck.stop();
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private async start(queue: QueueName, handlers: Map<JobName, AnyHandler>): Promise<void> {
    for (const handler of handlers.values()) await handler.prepare?.();
    // What BullMQ keeps of a failed attempt is its code and sentence (`queuedFailure`); the
    // error itself, which the queue never sees, goes to the failure hook or the log, by its codes.
    const originals = new WeakMap<Error, unknown>();
    const worker = this.factory.worker<unknown, string>(
      queue,
      async (job, token) => {
        const handler = handlers.get(job.name as JobName);
        try {
          if (!handler) {
            this.logger.error(`no handler for job "${job.name}" on the ${queue} queue: failed`);
            throw new UnrecoverableError(`No handler for job "${job.name}" on the ${queue} queue`);
          }
          return await handler.handle(job as never, token);
        } catch (error) {
          if (queueable(error)) throw error;
          const queued = queuedFailure(error);
          originals.set(queued, error);
          throw queued;
        }
      },
      WORKER_OPTIONS[queue](this.env),
    );
    worker.on('failed', (job, queued) => {
      // A job without a handler was logged as it failed.
      const handler = job && handlers.get(job.name as JobName);
      if (!job || !handler) return;
      const original = originals.get(queued);
      const error = original instanceof Error ? original : queued;
      const final =
        queued instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (!handler.failed) {
        // A handler without a hook has no log line of its own for its failures: the error's
        // codes, or the text of one the queue keeps as it is (BullMQ's stalled job, a code).
        this.logger.warn(
          `the ${job.name} job ${job.id} attempt ${job.attemptsMade} failed${final ? ', given up' : ''}: ${original === undefined ? queued.message : errorCode(original)}`,
        );
        return;
      }
      // The hooks write to the database, which may be what failed the job: a rejection here
      // would be unhandled and end the process with every job it runs.
      handler
        .failed(job as never, error, final)
        .catch((hookError: Error) =>
          this.logger.error(`the ${job.name} job's failure hook failed: ${errorCode(hookError)}`),
        );
    });
    this.workers.push(worker);
    this.queues.push(queue);
    void this.scheduleWhenReachable(queue);
  }

  /**
   * The queue may be away at boot (the PostgreSQL backend gives up a first connection after
   * 10 s): the schedule is retried, pausing longer each time, until it is set or the worker
   * stops, without holding start-up. Given up, there would be no periodic job until a restart.
   */
  private async scheduleWhenReachable(queue: QueueName): Promise<void> {
    for (let pause = 1_000; !this.stopping; pause = Math.min(pause * 2, 60_000)) {
      try {
        await this.jobs.applySchedules(this.env, [queue]);
        return;
      } catch (error) {
        this.logger.warn(
          `could not schedule the ${queue} queue's jobs, retrying in ${pause / 1_000} s: ${errorCode(error)}`,
        );
      }
      // Unreferenced: a pending retry never holds the process open at shutdown.
      await sleep(pause, undefined, { ref: false });
    }
  }

  private handlersByQueue(): Map<QueueName, Map<JobName, AnyHandler>> {
    const byQueue = new Map<QueueName, Map<JobName, AnyHandler>>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<JobName | undefined>(HANDLES_JOB, wrapper.metatype);
      if (!name) continue;
      const queue = JOBS[name].queue;
      const handlers = byQueue.get(queue) ?? new Map<JobName, AnyHandler>();
      if (handlers.has(name)) throw new Error(`Two handlers for job "${name}"`);
      handlers.set(name, wrapper.instance as AnyHandler);
      byQueue.set(queue, handlers);
    }
    return byQueue;
  }
}

@Module({
  imports: [DiscoveryModule],
  providers: [QueueWorkers],
})
export class QueueWorkersModule {}
