import { Module } from '@nestjs/common';

import { GroupGrowthService } from './group-growth.service';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  controllers: [HealthController],
  providers: [GroupGrowthService, ReadinessService],
})
export class HealthModule {}
