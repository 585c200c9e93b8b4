import { Module } from '@nestjs/common';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';

import { ScoringEventsDispatcher } from './scoring-events.dispatcher';
import { ScoringProcessor } from './scoring.processor';

@Module({
  providers: [ScoringEventsDispatcher, ScoringInputLoader, ScoringProcessor, ScoringPublisher],
})
export class ScoringModule {}
