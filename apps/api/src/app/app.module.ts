import { Module } from '@nestjs/common';
import { ConfigModule, Environment } from '@bridgenotes/config';
import { PrismaModule } from '@bridgenotes/database';
import { QueueModule } from '@bridgenotes/queue';
import { LoggerModule } from 'nestjs-pino';

import { QueueDashboardModule } from './admin/queue-dashboard.module';
import { ClockModule } from './common/clock.module';
import { CommunitiesModule } from './communities/communities.module';
import { ConsoleModule } from './console/console.module';
import { CredentialsModule } from './credentials/credentials.module';
import { ExportsModule } from './exports/exports.module';
import { HealthModule } from './health/health.module';
import { HomeModule } from './home/home.module';
import { loggingOptions } from './logging/logging.options';
import { LookupModule } from './lookup/lookup.module';
import { MembershipModule } from './membership/membership.module';
import { MetricsModule } from './metrics/metrics.module';
import { MirrorsModule } from './mirrors/mirrors.module';
import { ModerationModule } from './moderation/moderation.module';
import { NotesModule } from './notes/notes.module';
import { ScoringRunsModule } from './scoring-runs/scoring-runs.module';
import { SealingModule } from './sealing/sealing.module';
import { StandingModule } from './standing/standing.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WidgetModule } from './widget/widget.module';

@Module({
  imports: [
    ClockModule,
    CommunitiesModule,
    ConfigModule,
    ConsoleModule,
    CredentialsModule,
    ExportsModule,
    HealthModule,
    HomeModule,
    LoggerModule.forRootAsync({
      inject: [Environment],
      useFactory: (env: Environment) => loggingOptions(env.LOG_LEVEL),
    }),
    LookupModule,
    MembershipModule,
    MetricsModule,
    MirrorsModule,
    ModerationModule,
    NotesModule,
    PrismaModule,
    QueueDashboardModule,
    QueueModule.forRoot({ role: 'producer' }),
    ScoringRunsModule,
    SealingModule,
    StandingModule,
    ThrottlingModule,
    WebhooksModule,
    WidgetModule,
  ],
})
export class AppModule {}
