import { Module } from '@nestjs/common';
import { ConfigModule, Environment } from '@bridgenotes/config';
import { PrismaModule } from '@bridgenotes/database';
import { QueueModule } from '@bridgenotes/queue';
import { LoggerModule } from 'nestjs-pino';

import { CommunitiesModule } from './communities/communities.module';
import { HealthModule } from './health/health.module';
import { loggingOptions } from './logging/logging.options';
import { MembershipModule } from './membership/membership.module';
import { NotesModule } from './notes/notes.module';
import { ScoringRunsModule } from './scoring-runs/scoring-runs.module';
import { WidgetModule } from './widget/widget.module';

@Module({
  imports: [
    CommunitiesModule,
    ConfigModule,
    HealthModule,
    LoggerModule.forRootAsync({
      inject: [Environment],
      useFactory: (env: Environment) => loggingOptions(env.LOG_LEVEL),
    }),
    MembershipModule,
    NotesModule,
    PrismaModule,
    QueueModule.forRoot({ role: 'producer' }),
    ScoringRunsModule,
    WidgetModule,
  ],
})
export class AppModule {}
