import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Environment } from '@bridgenotes/config';
import { Logger } from 'nestjs-pino';

import { configureApp } from './app/configure-app';

async function bootstrap(): Promise<void> {
  // Imported here rather than at the top: defining the module validates the configuration, and
  // a bad configuration must end in the plain message below, not a stack trace.
  const { AppModule } = await import('./app/app.module');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);

  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  const host = config.get('HOST', { infer: true });
  await app.listen(port, host);
  app.get(Logger).log(`API listening on http://${host}:${port}`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(error.name === 'InvalidEnvironmentError' ? error.message : error);
  process.exit(1);
});
