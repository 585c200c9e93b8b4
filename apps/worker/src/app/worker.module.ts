import { Module } from '@nestjs/common';
import { ConfigModule, Environment } from '@bridgenotes/config';
import { PrismaModule } from '@bridgenotes/database';
import { QueueModule } from '@bridgenotes/queue';
import { LoggerModule } from 'nestjs-pino';

import { QueueWorkersModule } from './common/queue-workers';
import { MirroringModule } from './mirroring/mirroring.module';
import { QuotasModule } from './quotas/quotas.module';
import { ScoringModule } from './scoring/scoring.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [Environment],
      useFactory: (env: Environment) => ({
        pinoHttp: { level: env.LOG_LEVEL },
      }),
    }),
    MirroringModule,
    PrismaModule,
    QueueModule.forRoot({ role: 'consumer' }),
    QueueWorkersModule,
    QuotasModule,
    ScoringModule,
    WebhooksModule,
  ],
})
export class WorkerModule {}
