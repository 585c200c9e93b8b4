import { Module } from '@nestjs/common';

import { ScoringRunsController } from './scoring-runs.controller';
import { ScoringRunsService } from './scoring-runs.service';

@Module({
  controllers: [ScoringRunsController],
  providers: [ScoringRunsService],
})
export class ScoringRunsModule {}
