import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { ApiErrorBody } from '../common/api-error';
import { OperatorOnly } from '../common/operator-key.guard';
import { CommunitySlugParams } from '../common/slug';
import { CommunitiesService } from '../communities/communities.service';
import { ActionProofsService } from './action-proofs.service';
import {
  AddMembersDto,
  CreateInvitesDto,
  GroupLeavesDto,
  GroupRootDto,
  InvitesDto,
  JoinDto,
  MemberInviteCodeDto,
  MemberInviteDto,
  MemberParams,
  MembershipChangeDto,
  RootHistoryQuery,
} from './dto/membership.dto';
import { ProofCheckDto, ProofCheckResultDto } from './dto/proof-check.dto';
import { GroupService } from './group.service';
import { MemberInvitesService } from './member-invites.service';
import { MembersService } from './members.service';

@ApiTags('membership')
@Controller('communities/:slug')
export class MembershipController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly members: MembersService,
    private readonly group: GroupService,
    private readonly proofs: ActionProofsService,
    private readonly memberInvites: MemberInvitesService,
  ) {}

  @Post('members')
  @ApiOperation({
    summary:
      'Join with an identity commitment (and an invite code, or a ticket from a trusted issuer, where the community needs one)',
    description:
      "CREDENTIAL communities: one membership per issuer account; replaceLostIdentity removes the account's current member and admits this commitment instead. See docs/admission.md.",
  })
  @ApiCreatedResponse({ type: MembershipChangeDto })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description:
      'VALIDATION_FAILED, INVITE_REQUIRED, COMMITMENT_INVALID, TICKET_REQUIRED, TICKET_MALFORMED, TICKET_CLAIMS_INVALID, TICKET_TOO_LONG_LIVED',
  })
  @ApiForbiddenResponse({
    type: ApiErrorBody,
    description:
      'ADMISSION_CLOSED, INVITE_INVALID, TICKET_ISSUER_UNKNOWN, TICKET_FORGED, TICKET_WRONG_AUDIENCE, TICKET_NOT_YET_VALID, ACCOUNT_REMOVED',
  })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  @ApiConflictResponse({
    type: ApiErrorBody,
    description:
      'ALREADY_MEMBER, INVITE_USED, MIRROR_READ_ONLY, TICKET_REPLAYED, ACCOUNT_ALREADY_MEMBER',
  })
  @ApiGoneResponse({ type: ApiErrorBody, description: 'INVITE_EXPIRED, TICKET_EXPIRED' })
  @ApiServiceUnavailableResponse({
    type: ApiErrorBody,
    description: 'ISSUER_KEYS_UNAVAILABLE, CREDENTIALS_UNCONFIGURED',
  })
  async join(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: JoinDto,
  ): Promise<MembershipChangeDto> {
    return this.members.join(
      await this.communities.findWritable(slug),
      input.commitment,
      input.inviteCode,
      { ticket: input.ticket, replaceLostIdentity: input.replaceLostIdentity },
    );
  }

  @Post('members/batch')
  @OperatorOnly()
  @ApiOperation({
    summary: 'Add members whatever the admission policy, sharing one new root (operator)',
  })
  @ApiCreatedResponse({ type: MembershipChangeDto })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description: 'VALIDATION_FAILED, COMMITMENT_INVALID, COMMITMENT_DUPLICATED',
  })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'ALREADY_MEMBER, MIRROR_READ_ONLY' })
  async addMany(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: AddMembersDto,
  ): Promise<MembershipChangeDto> {
    return this.members.addMany(await this.communities.findWritable(slug), input.commitments);
  }

  @Delete('members/:commitment')
  @OperatorOnly()
  @ApiOperation({ summary: 'Remove a member: its leaf becomes 0 (operator)' })
  @ApiOkResponse({ type: MembershipChangeDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND, MEMBER_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'MIRROR_READ_ONLY' })
  async remove(@Param() { slug, commitment }: MemberParams): Promise<MembershipChangeDto> {
    return this.members.remove(await this.communities.findWritable(slug), commitment);
  }

  @Post('invites')
  @OperatorOnly()
  @ApiOperation({ summary: 'Issue single-use, expiring invite codes (operator)' })
  @ApiCreatedResponse({ type: InvitesDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'MIRROR_READ_ONLY' })
  async invite(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: CreateInvitesDto,
  ): Promise<InvitesDto> {
    const { codes, expiresAt } = await this.members.createInvites(
      await this.communities.findWritable(slug),
      input.count,
      input.expiresInHours,
    );
    return { codes, expiresAt: expiresAt.toISOString() };
  }

  @Post('invites/member')
  @ApiOperation({
    summary:
      "A member creates an invite code by proof, within the community's quota (action invite.create)",
    description:
      "INVITE communities with an inviteQuota: prove payload { n } for the member's n-th code (1, 2, …). Only a count per pseudonym is kept, never which code it created.",
  })
  @ApiCreatedResponse({ type: MemberInviteCodeDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, PROOF_*' })
  @ApiForbiddenResponse({
    type: ApiErrorBody,
    description: 'INVITE_QUOTA_DISABLED, PROOF_ROOT_UNKNOWN, PROOF_ROOT_EXPIRED, PROOF_INVALID',
  })
  @ApiConflictResponse({
    type: ApiErrorBody,
    description: 'INVITE_QUOTA_EXHAUSTED, INVITE_ORDINAL_INVALID, MIRROR_READ_ONLY',
  })
  async inviteByMember(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: MemberInviteDto,
  ): Promise<MemberInviteCodeDto> {
    const created = await this.memberInvites.create(
      await this.communities.findWritable(slug),
      input,
    );
    return { ...created, expiresAt: created.expiresAt.toISOString() };
  }

  @Get('group/leaves')
  @ApiOperation({
    summary: 'The whole group: every leaf and the root they build, the same for every client',
    description:
      'Build your Merkle proof locally and check the root; never ask the server for your proof. Revalidate with If-None-Match.',
  })
  @ApiOkResponse({ type: GroupLeavesDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async leaves(
    @Param() { slug }: CommunitySlugParams,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GroupLeavesDto | undefined> {
    const community = await this.communities.findBySlug(slug);
    const group = await this.group.leaves(community.id);
    const etag = `"${group.root}-${group.size}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'public, no-cache');
    if (ifNoneMatch === etag) {
      response.status(HttpStatus.NOT_MODIFIED);
      return undefined;
    }
    return group;
  }

  @Get('group/roots')
  @ApiOperation({ summary: 'Root history, newest first: when each root was created and replaced' })
  @ApiOkResponse({ type: [GroupRootDto] })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async roots(
    @Param() { slug }: CommunitySlugParams,
    @Query() { limit }: RootHistoryQuery,
  ): Promise<GroupRootDto[]> {
    return this.group.roots(await this.communities.findBySlug(slug), limit);
  }

  @Post('proofs/check')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check an action proof without acting (a dry run of the check every write makes)',
    description:
      'Runs the shared check in its fixed order and answers the pseudonym, or the first failure.',
  })
  @ApiOkResponse({ type: ProofCheckResultDto })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description:
      'VALIDATION_FAILED, PROOF_MALFORMED, PROOF_DEPTH, PROOF_SCOPE, PROOF_MESSAGE, PROOF_STALE',
  })
  @ApiForbiddenResponse({
    type: ApiErrorBody,
    description: 'PROOF_ROOT_UNKNOWN, PROOF_ROOT_EXPIRED, PROOF_INVALID',
  })
  @ApiServiceUnavailableResponse({
    type: ApiErrorBody,
    description: 'PROOF_VERIFIER_UNAVAILABLE (the service is restarting)',
  })
  async check(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: ProofCheckDto,
  ): Promise<ProofCheckResultDto> {
    const community = await this.communities.findBySlug(slug);
    return { pseudonym: await this.proofs.verify(community, input.action, input.proof) };
  }
}
