import { Injectable } from '@nestjs/common';
import { NoteStatus, PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import type { ScoringRegime } from '@bridgenotes/protocol';
import {
  CORE_RULES,
  MAX_RATINGS_NEEDED,
  type MissingRatings,
  OPINION_GROUP_PARAMETERS,
  type SideRatings,
} from '@bridgenotes/scoring';

import { sideRatings } from '../notes/dto/side-ratings.dto';
import { storedRegime } from '../scoring-runs/dto/scoring-regime';
import {
  CommunityOverviewDto,
  FactorHistogramDto,
  GroupRatingsDto,
} from './dto/community-overview.dto';

/** Enough points to see the shape of a community on a plot, few enough for a page to draw. */
const MAX_POINTS = 5_000;
const SMALL_COMMUNITY: ScoringRegime = 'small-community';

/**
 * The console's aggregates of one community: figures the open data already holds (scores,
 * statuses, group sizes), gathered in a few statements. Nothing here names a pseudonym or tells
 * who rated what: a note's figures are its groups' counts, the raters' factors a histogram.
 */
@Injectable()
export class CommunityOverviewService {
  constructor(private readonly prisma: PrismaService) {}

  async overview(community: { id: string }): Promise<CommunityOverviewDto> {
    const [counts, points, groupPoints, run, memberCount, growth] = await Promise.all([
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
      // What decided a note in the small-community regime: each group's ratings and the helpful
      // ratings it still needs, which its explanation keeps (`score.missing`).
      this.prisma.$queryRaw<
        {
          status: NoteStatus;
          sides: MissingRatings['sides'];
          needed: MissingRatings['helpfulNeeded'];
        }[]
      >`
        SELECT status, score->'missing'->'sides' AS sides,
               score->'missing'->'helpfulNeeded' AS needed
        FROM notes
        WHERE community_id = ${community.id}::uuid AND deleted_at IS NULL
          AND score->'missing'->>'regime' = ${SMALL_COMMUNITY}
        ORDER BY created_at DESC
        LIMIT ${MAX_POINTS}`,
      this.prisma.scoringRun.findFirst({
        where: { communityId: community.id, status: ScoringRunStatus.SUCCEEDED },
        orderBy: { finishedAt: 'desc' },
        select: { finishedAt: true, regime: true, raterFactorHistogram: true },
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
    const histogram = run?.raterFactorHistogram as Omit<FactorHistogramDto, 'groups'> &
      Partial<Pick<FactorHistogramDto, 'groups'>>;
    return {
      latestRunFinishedAt: run?.finishedAt?.toISOString() ?? null,
      regime: storedRegime(run?.regime ?? null),
      statusCounts,
      notes: points,
      thresholds: {
        helpfulIntercept: CORE_RULES.crhIntercept,
        helpfulMaxFactor: CORE_RULES.maxCrhFactor,
        notHelpfulIntercept: CORE_RULES.crnhIntercept,
        notHelpfulFactorSlope: CORE_RULES.crnhFactorMultiplier,
      },
      groupNotes: groupPoints.map(({ status, sides, needed }) => ({
        status,
        groups: [groupRatings(sides[0], needed[0]), groupRatings(sides[1], needed[1])],
      })),
      groupRule: {
        minRatingsPerGroup: OPINION_GROUP_PARAMETERS.minRatingsPerGroup,
        share: OPINION_GROUP_PARAMETERS.share,
        z: OPINION_GROUP_PARAMETERS.z,
        maxHelpfulNeeded: MAX_RATINGS_NEEDED,
      },
      // Runs before the histogram was recorded have none; runs before the groups were recorded
      // (and Core runs) have no groups.
      raterFactors: histogram ? { ...histogram, groups: histogram.groups ?? null } : null,
      memberCount,
      memberGrowth: growth,
    };
  }
}

/** A group's counts and the scorer's stored figure as is, whatever the note's status. */
function groupRatings(side: SideRatings, helpfulNeededToPass: number | null): GroupRatingsDto {
  const { ratings, helpful, somewhatHelpful, notHelpful } = side;
  return { ...sideRatings(ratings, helpful, somewhatHelpful, notHelpful), helpfulNeededToPass };
}
