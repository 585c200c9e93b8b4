import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

async function bootstrap(): Promise<void> {
  // Imported here rather than at the top: defining the module validates the configuration, and
  // a bad configuration must end in the plain message below, not a stack trace.
  const { WorkerModule } = await import('./app/worker.module');
  // An application context: the worker consumes queues and serves no HTTP.
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    bufferLogs: true,
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
