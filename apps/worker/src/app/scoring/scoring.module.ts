import { Module } from '@nestjs/common';

import { ScoringEventsDispatcher } from './scoring-events.dispatcher';
import { ScoringInputLoader } from './scoring-input.loader';
import { ScoringPublisher } from './scoring.publisher';
import { ScoringProcessor } from './scoring.processor';

@Module({
  providers: [ScoringEventsDispatcher, ScoringInputLoader, ScoringProcessor, ScoringPublisher],
})
export class ScoringModule {}
