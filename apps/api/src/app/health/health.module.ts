import { Module } from '@nestjs/common';

import { MembershipModule } from '../membership/membership.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { GroupGrowthService } from './group-growth.service';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [MembershipModule, ThrottlingModule],
  controllers: [HealthController, MetricsController],
  providers: [GroupGrowthService, ReadinessService],
})
export class HealthModule {}
