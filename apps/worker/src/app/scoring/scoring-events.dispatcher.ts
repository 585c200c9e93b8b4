import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { ScoringOutbox } from '@bridgenotes/database';
import { JobName, JobProducer } from '@bridgenotes/queue';

import { PollingLoop } from '../common/polling-loop';

const POLL_MS = 2_000;

/**
 * Drains the `scoring_events` outbox that every accepted note and rating writes to, and asks
 * for one debounced rescoring per community: a burst of ratings becomes one run. An event is
 * deleted only once its job is in the queue, so events written while the queue was away are
 * enqueued when it returns.
 */
@Injectable()
export class ScoringEventsDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PollingLoop(
    'dispatching scoring events',
    POLL_MS,
    () => this.dispatch(),
    new Logger(ScoringEventsDispatcher.name),
  );

  constructor(
    private readonly outbox: ScoringOutbox,
    private readonly env: Environment,
    private readonly jobs: JobProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: every community with events in the outbox gets (at most) one pending run. */
  async dispatch(): Promise<number> {
    const pending = await this.outbox.pending();
    const debounceMs = this.env.SCORING_DEBOUNCE_SECONDS * 1_000;
    for (const events of pending) {
      const { communityId, full } = events;
      await this.jobs.enqueue(
        JobName.ScoreCommunity,
        full ? { communityId, full } : { communityId },
        // While a job waits for the community, further requests join it; while one runs, they
        // become the one next job (`keepLastIfActive`), so at most one waits and one runs. A TTL
        // would lapse with the debounce, and every later batch of events would add a job (and a
        // queued run) while the first still waited or ran.
        {
          delay: debounceMs,
          // A full run's request has its own: joining a waiting incremental one would lose it.
          deduplication: {
            id: `score${full ? '-full' : ''}:${communityId}`,
            keepLastIfActive: true,
          },
        },
      );
      await this.outbox.clear(events);
    }
    return pending.length;
  }
}
