import { Injectable } from '@nestjs/common';
import { Note, PrismaService, PseudonymStanding } from '@bridgenotes/database';
import { writingRefusal, type WritingRefusal } from '@bridgenotes/scoring';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';

const PROFILE_NOTES = 100;

/** What the member must do, in words, for each reason a pseudonym may not write. */
export function refusalError(refusal: WritingRefusal): ApiError {
  if (refusal.reason === 'EARN_IN') {
    return ApiError.of('EARN_IN_REQUIRED', refusal.required, refusal.ratingImpact).withDetails(
      refusal,
    );
  }
  return ApiError.of(
    'WRITING_LOCKED',
    refusal.recentNotHelpful,
    refusal.required,
    refusal.impactSinceLock,
  ).withDetails(refusal);
}

export interface Profile {
  standing: PseudonymStanding | null;
  earnInImpact: number;
  refusal: WritingRefusal | null;
  ratingCount: number;
  noteCount: number;
  notes: (Note & { _count: { ratings: number } })[];
}

/**
 * A pseudonym's earned standing, as the latest scoring run published it (the table belongs to
 * the scoring publication, libs/scoring-store): the note-writing gate and the public profile.
 */
@Injectable()
export class StandingService {
  constructor(private readonly prisma: PrismaService) {}

  /** Refuses a note by a pseudonym that has not earned in, or whose writing is locked. */
  async assertMayWrite(community: CommunityKey, pseudonym: string): Promise<void> {
    // One round trip: the threshold may change at any time, so it is not cached with the key.
    const [row] = await this.prisma.$queryRaw<
      {
        earn_in_impact: number;
        rating_impact: number | null;
        recent_not_helpful: number | null;
        impact_since_lock: number | null;
      }[]
    >`
      SELECT c.earn_in_impact, s.rating_impact, s.recent_not_helpful, s.impact_since_lock
        FROM communities c
        LEFT JOIN pseudonym_standings s ON s.community_id = c.id AND s.pseudonym = ${pseudonym}
       WHERE c.id = ${community.id}::uuid`;
    if (!row) return;
    const standing =
      row.rating_impact === null
        ? null
        : {
            ratingImpact: row.rating_impact,
            recentNotHelpful: row.recent_not_helpful ?? 0,
            impactSinceLock: row.impact_since_lock ?? 0,
          };
    const refusal = writingRefusal(standing, row.earn_in_impact);
    if (refusal) throw refusalError(refusal);
  }

  async profile(community: CommunityKey, pseudonym: string): Promise<Profile> {
    const [settings, standing, ratingCount, noteCount, notes] = await Promise.all([
      this.prisma.community.findUniqueOrThrow({
        where: { id: community.id },
        select: { earnInImpact: true },
      }),
      this.prisma.pseudonymStanding.findUnique({
        where: { communityId_pseudonym: { communityId: community.id, pseudonym } },
      }),
      this.prisma.rating.count({ where: { communityId: community.id, raterPseudonym: pseudonym } }),
      this.prisma.note.count({
        where: { communityId: community.id, authorPseudonym: pseudonym, hidden: false },
      }),
      this.prisma.note.findMany({
        where: { communityId: community.id, authorPseudonym: pseudonym, hidden: false },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: PROFILE_NOTES,
        include: { _count: { select: { ratings: true } } },
      }),
    ]);
    return {
      standing,
      earnInImpact: settings.earnInImpact,
      refusal: writingRefusal(standing, settings.earnInImpact),
      ratingCount,
      noteCount,
      notes,
    };
  }
}
