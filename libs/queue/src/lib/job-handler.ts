import { SetMetadata } from '@nestjs/common';

import type { JobName, QueuedJob } from './jobs';

export const HANDLES_JOB = 'bridgenotes:handles-job';

/**
 * The worker's code for one job (one handler per file). Mark the class with `@HandlesJob(name)`
 * and list it in its feature module's providers: the worker finds it and runs it on the job's
 * queue.
 */
export interface JobHandler<Name extends JobName> {
  handle(job: QueuedJob<Name>, token?: string): Promise<void>;
  /** Before the queue's worker starts taking jobs (e.g. a resource the handler needs). */
  prepare?(): Promise<void>;
  /** After an attempt failed; `final` when no retry follows. */
  failed?(job: QueuedJob<Name>, error: Error, final: boolean): Promise<void>;
}

export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(HANDLES_JOB, name);
