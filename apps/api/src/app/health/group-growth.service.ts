import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import { Gauge } from 'prom-client';

import { HOUR_MS } from '../common/hour';
import { MetricsRegistry } from '../metrics/metrics-registry';

export interface GroupGrowth {
  community: string;
  /** Members the group gained in the last hour (its size now minus an hour ago). */
  joinedLastHour: number;
}

/**
 * Tells the operator when a group grows abnormally (more than GROUP_GROWTH_ALERT_PER_HOUR
 * members in an hour): pseudonym minting, or an OPEN community found by a script. Read from
 * the root history, which records each root's size and creation time already.
 */
@Injectable()
export class GroupGrowthService {
  private readonly logger = new Logger('GroupGrowth');
  /** When each community was last reported in the log, so a burst is logged once an hour. */
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    metrics: MetricsRegistry,
  ) {
    const abnormal = () => this.abnormal().catch((): GroupGrowth[] => []);
    new Gauge({
      name: 'bridgenotes_group_joined_last_hour',
      help: `Members gained in the last hour by each community above GROUP_GROWTH_ALERT_PER_HOUR (${env.GROUP_GROWTH_ALERT_PER_HOUR}); absent when none is.`,
      labelNames: ['community'],
      registers: [metrics],
      async collect() {
        this.reset();
        for (const { community, joinedLastHour } of await abnormal()) {
          this.set({ community }, joinedLastHour);
        }
      },
    });
  }

  async abnormal(): Promise<GroupGrowth[]> {
    const threshold = this.env.GROUP_GROWTH_ALERT_PER_HOUR;
    if (threshold === 0) return [];
    const rows = await this.prisma.$queryRaw<{ slug: string; grown: number }[]>`
      SELECT c.slug, (now_root.size - COALESCE(hour_ago.size, 0))::int AS grown
      FROM communities c
      JOIN LATERAL (
        SELECT size FROM group_roots WHERE community_id = c.id
        ORDER BY created_at DESC LIMIT 1
      ) now_root ON true
      LEFT JOIN LATERAL (
        SELECT size FROM group_roots
        WHERE community_id = c.id AND created_at <= now() - interval '1 hour'
        ORDER BY created_at DESC LIMIT 1
      ) hour_ago ON true
      WHERE now_root.size - COALESCE(hour_ago.size, 0) > ${threshold}
      ORDER BY grown DESC, c.slug
      LIMIT 20`;
    const growth = rows.map((row) => ({ community: row.slug, joinedLastHour: row.grown }));
    for (const { community, joinedLastHour } of growth) {
      if ((this.logged.get(community) ?? 0) > Date.now() - HOUR_MS) continue;
      this.logged.set(community, Date.now());
      this.logger.warn(
        `Community ${community} gained ${joinedLastHour} members in the last hour ` +
          `(alert above ${threshold}); see docs/operations.md`,
      );
    }
    return growth;
  }
}
