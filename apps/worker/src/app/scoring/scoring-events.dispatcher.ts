import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import { InjectQueue, JobName, JobQueue, QueueName, ScoreCommunityJob } from '@bridgenotes/queue';

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
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    @InjectQueue(QueueName.Scoring) private readonly queue: JobQueue<ScoreCommunityJob>,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: every community with events in the outbox gets (at most) one pending run. */
  async dispatch(): Promise<number> {
    const pending = await this.prisma.$queryRaw<{ community_id: string; last_id: bigint }[]>`
      SELECT community_id, max(id) AS last_id FROM scoring_events GROUP BY community_id`;
    const debounceMs = this.env.SCORING_DEBOUNCE_SECONDS * 1_000;
    for (const { community_id: communityId, last_id: lastId } of pending) {
      await this.queue.add(
        JobName.ScoreCommunity,
        { communityId },
        // While a run is pending for the community, further requests join it.
        {
          delay: debounceMs,
          deduplication: { id: `score:${communityId}`, ttl: Math.max(debounceMs, 1) },
        },
      );
      await this.prisma.scoringEvent.deleteMany({ where: { communityId, id: { lte: lastId } } });
    }
    return pending.length;
  }
}
