import { NestFactory } from '@nestjs/core';
import { Environment } from '@bridgenotes/config';
import { Logger } from 'nestjs-pino';

import { WorkerModule } from './app/worker.module';

async function bootstrap(): Promise<void> {
  // An application context: the worker consumes queues and serves no HTTP.
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    bufferLogs: true,
    // Throw instead of exiting, so a bad configuration ends in the plain message below.
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // On SIGTERM/SIGINT BullMQ stops taking jobs and waits for the active ones to finish...
  app.enableShutdownHooks();
  // ...but it would wait forever for a Redis that is gone. A job cut short this way stays locked
  // in Redis and is picked up again by stalled-job recovery, so exiting loses nothing.
  const { SHUTDOWN_TIMEOUT_MS } = app.get(Environment);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting`, 'Bootstrap');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  await app.init();
  logger.log('Worker started', 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(error.name === 'InvalidEnvironmentError' ? error.message : error);
  process.exit(1);
});
