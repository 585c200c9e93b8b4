import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

import { WorkerModule } from './app/worker.module';

async function bootstrap(): Promise<void> {
  // An application context: the worker consumes queues and serves no HTTP.
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    bufferLogs: true,
    // Throw instead of exiting, so a bad configuration ends in the plain message below.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // On SIGTERM/SIGINT BullMQ stops taking jobs and waits for the active ones to finish.
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('Worker started', 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(error.name === 'InvalidEnvironmentError' ? error.message : error);
  process.exit(1);
});
