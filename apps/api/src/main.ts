import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Environment, readEnvironment, validateEnvironment } from '@bridgenotes/config';
import { Logger } from 'nestjs-pino';
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';

import { AppModule } from './app/app.module';
import { relayBetweenSiblings } from './app/common/sibling-processes';
import { configureApp } from './app/configure-app';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    // Throw instead of exiting, so a bad configuration ends in the plain message below.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);

  const { PORT, HOST } = app.get(Environment);
  await app.listen(PORT, HOST);
  app.get(Logger).log(`API listening on http://${HOST}:${PORT}`, 'Bootstrap');
}

/**
 * With API_PROCESSES > 1 this process only supervises: it starts that many API processes, which
 * share the port (the primary accepts connections and hands them out in turn), relays their
 * cache invalidations to one another, replaces one that dies after it served, and passes
 * SIGTERM/SIGINT on. One that dies before it listened (a bad configuration, say) stops all:
 * starting it again would fail again.
 */
function supervise(processes: number, configuredSecret: string | undefined): void {
  const live = new Set<Worker>();
  let stopping = false;
  // One rate-limit secret for every process, so they name a client's buckets alike: the
  // configured one (environment or .env), else drawn here, living only in these processes'
  // memory (docs/operations.md).
  const rateLimitSecret = configuredSecret || randomBytes(33).toString('base64');
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of live) worker.kill(signal);
  };
  const start = () => {
    let listened = false;
    const worker = cluster.fork({ RATE_LIMIT_SECRET: rateLimitSecret });
    live.add(worker);
    worker.once('listening', () => (listened = true));
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (!stopping && listened) {
        console.error(`API process exited (${signal ?? code}); starting another`);
        start();
        return;
      }
      if (!stopping) {
        process.exitCode = 1;
        stop('SIGTERM');
      }
      if (live.size === 0) process.exit();
    });
  };
  for (let index = 0; index < processes; index += 1) start();
  relayBetweenSiblings();
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function main(): Promise<void> {
  if (cluster.isPrimary) {
    // The same settings the API processes read: the environment, then .env.
    const { API_PROCESSES, RATE_LIMIT_SECRET } = validateEnvironment(readEnvironment());
    if (API_PROCESSES > 1) {
      supervise(API_PROCESSES, RATE_LIMIT_SECRET);
      return Promise.resolve();
    }
  }
  return bootstrap();
}

main().catch((error: Error) => {
  console.error(error.name === 'InvalidEnvironmentError' ? error.message : error);
  process.exit(1);
});
