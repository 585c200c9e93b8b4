import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  AdmissionPolicy,
  blockedForWrite,
  Community,
  countMemberInvite,
  PrismaService,
} from '@bridgenotes/database';
import { writingRefusal } from '@bridgenotes/scoring';
import { createHash, randomBytes } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { HOUR_MS, startOfHour } from '../common/hour';
import { quotaDay } from '../notes/pseudonym-quotas';
import { refusalError } from '../standing/standing.service';
import { ActionProofsService } from './action-proofs.service';

/** A member's invite lasts a week, as the operator's do by default (to the next full hour). */
const MEMBER_INVITE_HOURS = 168;

/**
 * The rating impact a pseudonym needs to create invite codes where the community's earn-in is
 * lower (0 by default): vouching for a newcomer is never free, or every invitee could invite at
 * once and one member's identities would multiply by the quota at each step.
 */
export const INVITE_MIN_RATING_IMPACT = 1;

/**
 * Invite quotas: in an INVITE community with a quota, each member creates up to `inviteQuota`
 * codes by proof (action `invite.create`, payload `{ n }`: its n-th code), so the community grows
 * by trust without the operator. Growth stays bounded although invitees get quotas of their own:
 * a pseudonym invites only with earned standing (as it writes notes, with a rating impact of at
 * least `INVITE_MIN_RATING_IMPACT`), and the community's members together create at most
 * MEMBER_INVITES_PER_DAY codes a UTC day. Only the count per pseudonym is kept, apart from the
 * codes, and a code's times only to the hour. Not sealed: the count and the code are written in
 * one transaction, so a copy of the database ties the code (and the member who redeems it) to the
 * inviter's pseudonym by `xmin` (docs/threat-model.md, "Not covered"). Proving the ordinal makes
 * a replayed proof useless: the n-th code is created once.
 */
@Injectable()
export class MemberInvitesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proofs: ActionProofsService,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  async create(
    community: Community,
    input: { n: number; clientMinute: number; proof: Record<string, unknown> },
  ): Promise<{ code: string; expiresAt: Date; used: number; quota: number }> {
    if (community.admission !== AdmissionPolicy.INVITE || community.inviteQuota === 0) {
      throw ApiError.of('INVITE_QUOTA_DISABLED');
    }
    const { pseudonym, root } = await this.proofs.verifyWithRoot(
      community,
      {
        kind: 'invite.create',
        target: '',
        payload: { n: input.n },
        clientMinute: input.clientMinute,
      },
      input.proof,
    );
    await this.assertRootAfterRemovals(community, root);
    if (input.n > community.inviteQuota) {
      throw ApiError.of('INVITE_QUOTA_EXHAUSTED', community.inviteQuota);
    }
    await this.assertMayInvite(community, pseudonym);
    // The day it counts on, read once (the API's clock, so that a test fixes it).
    const day = quotaDay(this.clock.now());
    const code = randomBytes(16).toString('base64url');
    // To the hour, no finer: a millisecond beside the pseudonym's count would be one more tie.
    // The week is rounded up, so a code is good for at least a week.
    const createdAt = startOfHour();
    const expiresAt = new Date(createdAt.getTime() + (MEMBER_INVITE_HOURS + 1) * HOUR_MS);
    await this.prisma.$transaction(async (tx) => {
      // A BLOCK of the inviter committed since the proof check's read: refused as it refuses one.
      if (await blockedForWrite(tx, community.id, pseudonym)) {
        throw ApiError.of('PSEUDONYM_BLOCKED');
      }
      // The n-th code only after the (n-1)-th: concurrent or replayed proofs of one ordinal
      // race for one row update, and all but one find the count moved.
      const counted =
        input.n === 1
          ? await tx.$executeRaw`
              INSERT INTO invite_quota_uses (community_id, pseudonym, used)
              VALUES (${community.id}::uuid, ${pseudonym}, 1) ON CONFLICT DO NOTHING`
          : await tx.$executeRaw`
              UPDATE invite_quota_uses SET used = ${input.n}
               WHERE community_id = ${community.id}::uuid AND pseudonym = ${pseudonym}
                 AND used = ${input.n - 1}`;
      if (counted !== 1) {
        const row = await tx.inviteQuotaUse.findUnique({
          where: { communityId_pseudonym: { communityId: community.id, pseudonym } },
        });
        throw ApiError.of('INVITE_ORDINAL_INVALID', row?.used ?? 0).withDetails({
          used: row?.used ?? 0,
        });
      }
      // After the ordinal, so a replayed proof is told so; a refusal here rolls the count back.
      const limit = this.env.MEMBER_INVITES_PER_DAY;
      if (!(await countMemberInvite(tx, community.id, day, limit))) {
        throw ApiError.of('INVITE_DAILY_LIMIT', limit).withDetails({ limit });
      }
      await tx.inviteCode.create({
        data: {
          communityId: community.id,
          codeHash: createHash('sha256').update(code).digest('hex'),
          expiresAt,
          createdAt,
          byMember: true,
        },
      });
    });
    return { code, expiresAt, used: input.n, quota: community.inviteQuota };
  }

  /**
   * Refuses a proof over a root from before the community's latest removal. Other writes accept
   * a root replaced less than ROOT_HISTORY_WINDOW_SECONDS ago, so a removed member could still
   * prove over a root that holds its leaf, for an hour: a rating or note then is one more write
   * of a pseudonym that wrote before, but a code lives a week and admits a new identity, which
   * would let the removed person back in (docs/moderation.md, "Members": only the operator adds
   * a removed person again). Only roots before a removal are refused, not every replaced one:
   * joins seal a new root every few seconds in a busy community, and a member proving over the
   * root it fetched would often lose that race; a removal is rare, and after one the member
   * fetches the group again and proves anew. A removal is the root whose size did not grow
   * (a leaf zeroed: the operator's removal, or a CREDENTIAL replacement), in the root history's
   * own clock. Checked after the proof verified (its root is then a known one of the window).
   */
  private async assertRootAfterRemovals(community: Community, root: string): Promise<void> {
    const [{ removed }] = await this.prisma.$queryRaw<[{ removed: boolean }]>`
      WITH proven AS (
        SELECT max(created_at) AS at FROM group_roots
         WHERE community_id = ${community.id}::uuid AND root = ${root}
      )
      SELECT EXISTS (
        SELECT 1 FROM (
          SELECT created_at, size, lag(size) OVER (ORDER BY created_at) AS before
            FROM group_roots
           WHERE community_id = ${community.id}::uuid AND created_at >= (SELECT at FROM proven)
        ) since
         WHERE created_at > (SELECT at FROM proven) AND size <= before
      ) AS removed`;
    if (removed) throw ApiError.of('INVITE_ROOT_BEFORE_REMOVAL');
  }

  /**
   * Refuses a pseudonym without earned standing: a rating impact below the community's earn-in
   * (at least `INVITE_MIN_RATING_IMPACT`), or a writing lock. Standings change only at full
   * scoring runs (libs/scoring-store publishes them), so this is read before the transaction.
   */
  private async assertMayInvite(community: Community, pseudonym: string): Promise<void> {
    const standing = await this.prisma.pseudonymStanding.findUnique({
      where: { communityId_pseudonym: { communityId: community.id, pseudonym } },
      select: { ratingImpact: true, recentNotHelpful: true, impactSinceLock: true },
    });
    const required = Math.max(community.earnInImpact, INVITE_MIN_RATING_IMPACT);
    const refusal = writingRefusal(standing, required);
    if (refusal?.reason === 'EARN_IN') {
      throw ApiError.of('INVITE_EARN_IN_REQUIRED', required, refusal.ratingImpact).withDetails(
        refusal,
      );
    }
    if (refusal) throw refusalError(refusal);
  }
}
