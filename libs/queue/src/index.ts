export * from './lib/job-handler';
export * from './lib/job-producer';
export * from './lib/jobs';
export * from './lib/queue-connection';
export * from './lib/queue-error-logger';
export * from './lib/queue-names';
export * from './lib/queue.module';
export * from './lib/redis-options';
