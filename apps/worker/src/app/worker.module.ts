import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ConfigModule, Environment } from '@bridgenotes/config';
import { PrismaModule } from '@bridgenotes/database';
import { QueueModule } from '@bridgenotes/queue';
import { LoggerModule } from 'nestjs-pino';

import { ScoringModule } from './scoring/scoring.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        pinoHttp: { level: config.get('LOG_LEVEL', { infer: true }) },
      }),
    }),
    PrismaModule,
    QueueModule.forRoot({ role: 'consumer' }),
    ScoringModule,
  ],
})
export class WorkerModule {}
