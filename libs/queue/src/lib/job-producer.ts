import type { Environment } from '@bridgenotes/config';
import type { JobsOptions } from 'bullmq';

import { JOBS, JobData, JobDefinition, JobName, QueuedJob } from './jobs';
import type { JobQueue } from './queue-connection';
import { QueueName } from './queue-names';

/** One job of a bulk enqueue. */
export interface JobOrder<Name extends JobName> {
  data: JobData<Name>;
  options?: JobsOptions;
}

/**
 * The typed way to queue work: `enqueue(JobName.X, data)` puts the job on the queue the catalogue
 * (`JOBS`) names, with the catalogue's options for it, and accepts only the payload declared for
 * that name. Producers never pick a queue or spell a name themselves.
 */
export class JobProducer {
  constructor(private readonly queues: ReadonlyMap<QueueName, JobQueue<unknown, string>>) {}

  async enqueue<Name extends JobName>(
    name: Name,
    data: JobData<Name>,
    options?: JobsOptions,
  ): Promise<QueuedJob<Name>> {
    const job = await this.queueOf(name).add(name, data, this.options(name, data, options));
    return job as unknown as QueuedJob<Name>;
  }

  async enqueueBulk<Name extends JobName>(name: Name, orders: JobOrder<Name>[]): Promise<void> {
    if (orders.length === 0) return;
    await this.queueOf(name).addBulk(
      orders.map(({ data, options }) => ({
        name,
        data,
        opts: this.options(name, data, options),
      })),
    );
  }

  /**
   * Sets (or, when the configuration turns it off, removes) the schedule of every periodic job
   * of the catalogue whose queue is among `queues`.
   */
  async applySchedules(env: Environment, queues: readonly QueueName[]): Promise<void> {
    for (const name of Object.values(JobName)) {
      const { queue, schedule } = JOBS[name] as JobDefinition<unknown>;
      if (!schedule || !queues.includes(queue)) continue;
      const repeat = schedule(env);
      // The scheduler is named after the job it makes.
      if (repeat) {
        await this.queueOf(name).upsertJobScheduler(name, repeat, { name, data: {} });
      } else {
        await this.queueOf(name).removeJobScheduler(name);
      }
    }
  }

  /**
   * Sets again the schedule of every periodic job of the catalogue on `queues` that the queue no
   * longer has (Redis restarted without its data, flushed, or evicted the keys): schedules are
   * otherwise set only at a worker's start. Returns the jobs whose schedule was set again. One
   * found in place is left alone: setting it again would move its next run.
   */
  async restoreSchedules(env: Environment, queues: readonly QueueName[]): Promise<JobName[]> {
    const restored: JobName[] = [];
    for (const name of Object.values(JobName)) {
      const { queue, schedule } = JOBS[name] as JobDefinition<unknown>;
      const repeat = schedule && queues.includes(queue) ? schedule(env) : undefined;
      if (!repeat || (await this.queueOf(name).getJobScheduler(name))) continue;
      await this.queueOf(name).upsertJobScheduler(name, repeat, { name, data: {} });
      restored.push(name);
    }
    return restored;
  }

  private queueOf(name: JobName): JobQueue<unknown, string> {
    const queue = this.queues.get(JOBS[name].queue);
    if (!queue) throw new Error(`The queue of job "${name}" is not open in this process`);
    return queue;
  }

  private options<Name extends JobName>(
    name: Name,
    data: JobData<Name>,
    options: JobsOptions | undefined,
  ): JobsOptions {
    const definition = JOBS[name] as JobDefinition<JobData<Name>>;
    return { ...definition.options?.(data), ...options };
  }
}
