import { Module } from '@nestjs/common';

import { ScoringInputService } from './scoring-input.service';
import { ScoringProcessor } from './scoring.processor';

@Module({
  providers: [ScoringInputService, ScoringProcessor],
})
export class ScoringModule {}
