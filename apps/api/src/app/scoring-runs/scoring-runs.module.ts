import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { ScoringRunsController } from './scoring-runs.controller';
import { ScoringRunsService } from './scoring-runs.service';

@Module({
  imports: [CommunitiesModule],
  controllers: [ScoringRunsController],
  providers: [ScoringRunsService],
})
export class ScoringRunsModule {}
