import { Injectable } from '@nestjs/common';
import { NoteStatus, PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import { CORE_RULES } from '@bridgenotes/scoring';

import { CommunityOverviewDto, FactorHistogramDto } from './dto/community-overview.dto';

/** Enough points to see the shape of a community on a plot, few enough for a page to draw. */
const MAX_POINTS = 5_000;

/**
 * The console's aggregates of one community: figures the open data already holds (scores,
 * statuses, group sizes), gathered in a few statements. Nothing here names a pseudonym or tells
 * who rated what.
 */
@Injectable()
export class CommunityOverviewService {
  constructor(private readonly prisma: PrismaService) {}

  async overview(community: { id: string }): Promise<CommunityOverviewDto> {
    const [counts, points, run, memberCount, growth] = await Promise.all([
      this.prisma.note.groupBy({
        by: ['status'],
        where: { communityId: community.id, deletedAt: null },
        _count: { _all: true },
      }),
      this.prisma.$queryRaw<{ status: NoteStatus; intercept: number; factor: number }[]>`
        SELECT status, (score->>'intercept')::float8 AS intercept, (score->>'factor')::float8 AS factor
        FROM notes
        WHERE community_id = ${community.id}::uuid AND deleted_at IS NULL
          AND jsonb_typeof(score->'intercept') = 'number' AND jsonb_typeof(score->'factor') = 'number'
        ORDER BY created_at DESC
        LIMIT ${MAX_POINTS}`,
      this.prisma.scoringRun.findFirst({
        where: { communityId: community.id, status: ScoringRunStatus.SUCCEEDED },
        orderBy: { finishedAt: 'desc' },
        select: { raterFactorHistogram: true },
      }),
      this.prisma.member.count({ where: { communityId: community.id, removedAt: null } }),
      this.prisma.$queryRaw<{ day: string; size: number }[]>`
        SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
               max(size)::int AS size
        FROM group_roots
        WHERE community_id = ${community.id}::uuid AND created_at > now() - interval '365 days'
        GROUP BY 1 ORDER BY 1`,
    ]);
    const statusCounts = {
      NEEDS_MORE_RATINGS: 0,
      CURRENTLY_RATED_HELPFUL: 0,
      CURRENTLY_RATED_NOT_HELPFUL: 0,
    };
    for (const row of counts) statusCounts[row.status] = row._count._all;
    return {
      statusCounts,
      notes: points,
      thresholds: {
        helpfulIntercept: CORE_RULES.crhIntercept,
        helpfulMaxFactor: CORE_RULES.maxCrhFactor,
        notHelpfulIntercept: CORE_RULES.crnhIntercept,
        notHelpfulFactorSlope: CORE_RULES.crnhFactorMultiplier,
      },
      raterFactors: (run?.raterFactorHistogram ?? null) as FactorHistogramDto | null,
      memberCount,
      memberGrowth: growth,
    };
  }
}
