import { Injectable } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { QueueFactory } from '@bridgenotes/queue';

import { withTimeout } from '../common/with-timeout';

export type Dependency = 'database' | 'queue';

export interface DependencyCheck {
  status: 'up' | 'down';
  error?: string;
}

export type ReadinessReport = Record<Dependency, DependencyCheck>;

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class ReadinessService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: QueueFactory,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [database, queue] = await Promise.all([
      this.probe(this.prisma.$queryRaw`SELECT 1`, 'PostgreSQL'),
      this.probe(
        this.pingQueues(),
        this.queues.settings.backend === 'redis' ? 'Redis' : 'The queue schema in PostgreSQL',
      ),
    ]);
    return { database, queue };
  }

  /**
   * Asks each queue for a count through the very connection the API enqueues with, so "ready"
   * means a job would be accepted now, whatever backend the queue runs on. The connection never
   * buffers commands while disconnected, so this fails at once, and the check recovers by itself
   * once it has reconnected.
   */
  private async pingQueues(): Promise<void> {
    await Promise.all(this.queues.opened.map((queue) => queue.count()));
  }

  private async probe(work: Promise<unknown>, name: string): Promise<DependencyCheck> {
    try {
      await withTimeout(
        work,
        CHECK_TIMEOUT_MS,
        `${name} did not answer within ${CHECK_TIMEOUT_MS} ms`,
      );
      return { status: 'up' };
    } catch {
      // Deliberately without the driver's message: it names internal hosts and ports.
      return { status: 'down', error: `${name} is unreachable` };
    }
  }
}
