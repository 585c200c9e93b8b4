import { Module } from '@nestjs/common';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';

import { RescoreAllHandler } from './rescore-all.handler';
import { ScoreCommunityHandler } from './score-community.handler';
import { ScoringEventsDispatcher } from './scoring-events.dispatcher';

@Module({
  providers: [
    RescoreAllHandler,
    ScoreCommunityHandler,
    ScoringEventsDispatcher,
    ScoringInputLoader,
    ScoringPublisher,
  ],
})
export class ScoringModule {}
