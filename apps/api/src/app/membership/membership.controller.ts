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
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';
import type { Response } from 'express';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { RouteCommunity } from '../communities/route-community.decorator';
import { PROVEN_WRITE_ERRORS } from './action-proof-errors';
import { RateLimited } from '../throttling/rate-limit-class';
import { ActionProofsService } from './action-proofs.service';
import {
  AddMembersDto,
  CreateInvitesDto,
  GroupLeavesDto,
  GroupRootDto,
  InvitesDto,
  JoinDto,
  JoinWorkDto,
  MemberParams,
  MembershipChangeDto,
  RootHistoryQuery,
} from './dto/membership.dto';
import { ProofCheckDto, ProofCheckResultDto } from './dto/proof-check.dto';
import { GroupService } from './group.service';
import { JoinWorkService } from './join-work.service';
import { MembersService } from './members.service';

@ApiTags('membership')
@Controller('communities/:slug')
export class MembershipController {
  constructor(
    private readonly members: MembersService,
    private readonly group: GroupService,
    private readonly proofs: ActionProofsService,
    private readonly work: JoinWorkService,
  ) {}

  @Post('members')
  @RateLimited('joins')
  @ApiOperation({
    summary:
      'Join with an identity commitment (and an invite code, or a ticket from a trusted issuer, where the community needs one)',
    description:
      "CREDENTIAL communities: one membership per issuer account; replaceLostIdentity removes the account's current member and admits this commitment instead, at most once per CREDENTIAL_REPLACEMENT_DAYS (the replaced pseudonym's notes and ratings stay and keep counting). See docs/admission.md. " +
      'OPEN and INVITE joins are sealed in batches (docs/threat-model.md): 201 means the join is stored durably; with `pending: true` the member appears in the group leaves when its batch is sealed, within SEAL_WINDOW_SECONDS once SEAL_MIN_MEMBERS members wait, or after SEAL_MAX_WAIT_SECONDS.',
  })
  @ApiCreatedResponse({ type: MembershipChangeDto })
  @ApiErrors(
    'INVITE_REQUIRED',
    'COMMITMENT_INVALID',
    'ADMISSION_CLOSED',
    'INVITE_INVALID',
    'ALREADY_MEMBER',
    'MEMBERSHIP_ENDED',
    'INVITE_USED',
    'INVITE_JOINS_DAILY_LIMIT',
    'GROUP_FULL',
    'INVITE_EXPIRED',
    'TICKET_REQUIRED',
    'TICKET_MALFORMED',
    'TICKET_CLAIMS_INVALID',
    'TICKET_TOO_LONG_LIVED',
    'TICKET_ISSUER_UNKNOWN',
    'TICKET_FORGED',
    'TICKET_WRONG_AUDIENCE',
    'TICKET_NOT_YET_VALID',
    'ACCOUNT_REMOVED',
    'TICKET_REPLAYED',
    'ACCOUNT_ALREADY_MEMBER',
    'IDENTITY_REPLACED_RECENTLY',
    'TICKET_EXPIRED',
    'ISSUER_KEYS_UNAVAILABLE',
    'CREDENTIALS_UNCONFIGURED',
    'JOIN_WORK_REQUIRED',
    'JOIN_WORK_INVALID',
    'JOIN_WORK_EXPIRED',
  )
  async join(
    @RouteCommunity('write') community: Community,
    @Body() input: JoinDto,
  ): Promise<MembershipChangeDto> {
    this.work.assertDone(community, input.commitment, {
      challenge: input.workChallenge,
      nonce: input.workNonce,
    });
    return this.members.join(community, input.commitment, input.inviteCode, {
      ticket: input.ticket,
      replaceLostIdentity: input.replaceLostIdentity,
    });
  }

  @Get('join-work')
  @ApiOperation({
    summary: "The proof-of-work an OPEN join needs: the community's difficulty and a challenge",
    description:
      'Stateless: the same challenge for every client for 10 minutes, accepted for 10 more. Solve it for your commitment (libs/protocol solveJoinWork) and join with workChallenge and workNonce. difficulty 0: join without.',
  })
  @ApiOkResponse({ type: JoinWorkDto })
  joinWork(
    @RouteCommunity() community: Community,
    @Res({ passthrough: true }) response: Response,
  ): JoinWorkDto {
    response.setHeader('Cache-Control', 'no-store');
    return this.work.challenge(community);
  }

  @Post('members/batch')
  @OperatorOnly()
  @ApiOperation({
    summary: 'Add members whatever the admission policy, sharing one new root (operator)',
    description:
      'All or nothing: a batch with any commitment already a member (ALREADY_MEMBER) or removed before (MEMBERSHIP_ENDED) is refused whole, and the refusal names those commitments in details.commitments.',
  })
  @ApiCreatedResponse({ type: MembershipChangeDto })
  @ApiErrors(
    'COMMITMENT_INVALID',
    'COMMITMENT_DUPLICATED',
    'ALREADY_MEMBER',
    'MEMBERSHIP_ENDED',
    'GROUP_FULL',
  )
  async addMany(
    @RouteCommunity('write') community: Community,
    @Body() input: AddMembersDto,
  ): Promise<MembershipChangeDto> {
    return this.members.addMany(community, input.commitments);
  }

  @Delete('members/:commitment')
  @OperatorOnly()
  @ApiOperation({ summary: 'Remove a member: its leaf becomes 0 (operator)' })
  @ApiOkResponse({ type: MembershipChangeDto })
  @ApiErrors('COMMITMENT_INVALID', 'MEMBER_NOT_FOUND')
  async remove(
    @RouteCommunity('write') community: Community,
    @Param() { commitment }: MemberParams,
  ): Promise<MembershipChangeDto> {
    return this.members.remove(community, commitment);
  }

  @Post('invites')
  @OperatorOnly()
  @ApiOperation({ summary: 'Issue single-use, expiring invite codes (operator)' })
  @ApiCreatedResponse({ type: InvitesDto })
  async invite(
    @RouteCommunity('write') community: Community,
    @Body() input: CreateInvitesDto,
  ): Promise<InvitesDto> {
    const { codes, expiresAt } = await this.members.createInvites(
      community,
      input.count,
      input.expiresInHours,
    );
    return { codes, expiresAt: expiresAt.toISOString() };
  }

  @Get('group/leaves')
  @ApiOperation({
    summary: 'The whole group: every leaf and the root they build, the same for every client',
    description:
      'Build your Merkle proof locally and check the root; never ask the server for your proof. Revalidate with If-None-Match.',
  })
  @ApiOkResponse({ type: GroupLeavesDto })
  async leaves(
    @RouteCommunity() community: Community,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GroupLeavesDto | undefined> {
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
  async roots(
    @RouteCommunity() community: Community,
    @Query() { limit }: RootHistoryQuery,
  ): Promise<GroupRootDto[]> {
    return this.group.roots(community, limit);
  }

  @Post('proofs/check')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check an action proof without acting (a dry run of the check every write makes)',
    description:
      "Runs the shared check in its fixed order (form, depth, scope, message; the root known, in the window and of at least the community's proofMinMembers live members (its own minimum, else the instance's PROOF_MIN_MEMBERS), else 403 PROOF_ROOT_TOO_SMALL with details { required, members }; the minute; Groth16) and answers the pseudonym, or the first failure.",
  })
  @ApiOkResponse({ type: ProofCheckResultDto })
  @ApiErrors(...PROVEN_WRITE_ERRORS)
  async check(
    @RouteCommunity() community: Community,
    @Body() input: ProofCheckDto,
  ): Promise<ProofCheckResultDto> {
    return { pseudonym: await this.proofs.verify(community, input.action, input.proof) };
  }
}
