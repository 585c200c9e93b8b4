import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Environment } from '@bridgenotes/config';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app/app.module';
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

bootstrap().catch((error: Error) => {
  console.error(error.name === 'InvalidEnvironmentError' ? error.message : error);
  process.exit(1);
});
