import { Module } from '@nestjs/common';
import {
  IncrementalBaseStore,
  ReplacedRatingsStore,
  ScoringInputLoader,
  ScoringPublisher,
} from '@bridgenotes/scoring-store';

import { OrphanedRunsWatcher } from './orphaned-runs.watcher';
import { RescoreAllHandler } from './rescore-all.handler';
import { RunFailureRecorder } from './run-failure.recorder';
import { ScoreCommunityHandler } from './score-community.handler';
import { ScoringEventsDispatcher } from './scoring-events.dispatcher';
import { ScoringLease } from './scoring-lease';

@Module({
  providers: [
    RescoreAllHandler,
    ScoreCommunityHandler,
    ScoringEventsDispatcher,
    ScoringLease,
    IncrementalBaseStore,
    OrphanedRunsWatcher,
    RunFailureRecorder,
    ScoringInputLoader,
    ScoringPublisher,
    ReplacedRatingsStore,
  ],
})
export class ScoringModule {}
