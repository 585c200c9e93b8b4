import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import { redisOptionsFromUrl } from '@bridgenotes/queue';
import Redis from 'ioredis';

import { withTimeout } from '../common/with-timeout';

export type Dependency = 'database' | 'redis';

export interface DependencyCheck {
  status: 'up' | 'down';
  error?: string;
}

export type ReadinessReport = Record<Dependency, DependencyCheck>;

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class ReadinessService implements OnModuleDestroy {
  // A connection of its own that never queues commands while disconnected, so a check answers
  // at once while Redis is away; ioredis keeps reconnecting, so readiness recovers by itself.
  private readonly redis: Redis;

  constructor(
    private readonly prisma: PrismaService,
    env: Environment,
  ) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(env.REDIS_URL),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Connection errors are what the check reports; without a listener ioredis would also log them.
    this.redis.on('error', () => undefined);
  }

  async check(): Promise<ReadinessReport> {
    const [database, redis] = await Promise.all([
      this.probe(this.prisma.$queryRaw`SELECT 1`, 'PostgreSQL'),
      this.probe(this.redis.ping(), 'Redis'),
    ]);
    return { database, redis };
  }

  private async probe(work: Promise<unknown>, name: string): Promise<DependencyCheck> {
    try {
      await withTimeout(
        work,
        CHECK_TIMEOUT_MS,
        `${name} did not answer within ${CHECK_TIMEOUT_MS} ms`,
      );
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', error: `${name} is unreachable: ${(error as Error).message}` };
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
