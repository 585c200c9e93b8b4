import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { RouteCommunity } from '../communities/route-community.decorator';
import { PROVEN_WRITE_ERRORS } from './action-proof-errors';
import { MemberInviteCodeDto, MemberInviteDto } from './dto/membership.dto';
import { MemberInvitesService } from './member-invites.service';

/** Invite codes a member creates by proof, within its community's quota. */
@ApiTags('membership')
@Controller('communities/:slug/invites/member')
export class MemberInvitesController {
  constructor(private readonly memberInvites: MemberInvitesService) {}

  @Post()
  @ApiOperation({
    summary:
      "A member creates an invite code by proof, within the community's quota (action invite.create)",
    description:
      "INVITE communities with an inviteQuota: prove payload { n } for the member's n-th code (1, 2, …). Only a pseudonym with earned standing invites (a rating impact of at least the community's earnInImpact, and at least 1; writing not locked), and the community's members together create at most MEMBER_INVITES_PER_DAY codes per UTC day. The proof's root must be from after the community's latest removal (403 INVITE_ROOT_BEFORE_REMOVAL: fetch the group again), so that a removed member cannot invite itself back within the root window. The code is good for at least a week (its expiry is rounded up to the hour). Only a count per pseudonym is kept beside the code, but both are written in one transaction: a copy of the database can tie the code, and the member who redeems it, to the inviter's pseudonym (docs/admission.md).",
  })
  @ApiCreatedResponse({ type: MemberInviteCodeDto })
  @ApiErrors(
    ...PROVEN_WRITE_ERRORS,
    'INVITE_ROOT_BEFORE_REMOVAL',
    'INVITE_QUOTA_DISABLED',
    'INVITE_QUOTA_EXHAUSTED',
    'INVITE_ORDINAL_INVALID',
    'INVITE_EARN_IN_REQUIRED',
    'WRITING_LOCKED',
    'INVITE_DAILY_LIMIT',
  )
  async create(
    @RouteCommunity('write') community: Community,
    @Body() input: MemberInviteDto,
  ): Promise<MemberInviteCodeDto> {
    const created = await this.memberInvites.create(community, input);
    return { ...created, expiresAt: created.expiresAt.toISOString() };
  }
}
