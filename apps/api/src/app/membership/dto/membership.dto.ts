import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  JOIN_WORK_NONCE_PATTERN,
  type GroupLeavesResponse,
  type JoinWorkResponse,
  type MembershipChangeResponse,
} from '@bridgenotes/protocol';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

import { CommunitySlugParams } from '../../common/slug';
import { CharLength } from '../../common/char-length';
import { OptionalNotNull } from '../../common/optional-not-null';

const DECIMAL = /^[1-9][0-9]{0,77}$/;
const DECIMAL_MESSAGE = 'must be a Semaphore identity commitment as a canonical decimal number';

export class JoinDto {
  @ApiProperty({
    description: 'Identity commitment (decimal)',
    example: '1720348915602845316234784356834569',
  })
  @Matches(DECIMAL, { message: `commitment ${DECIMAL_MESSAGE}` })
  commitment!: string;

  @ApiPropertyOptional({
    description:
      'Needed when the community admits by invitation (INVITE); ignored under any other policy, neither checked nor used',
  })
  @IsOptional()
  @IsString({ message: 'inviteCode must be text' })
  @CharLength(1, 64, { message: 'inviteCode must be 1 to 64 characters' })
  inviteCode?: string;

  @ApiPropertyOptional({
    description:
      "Needed when the community admits by credential: a short-lived JWT its host site signed for the signed-in account (aud = the community's id)",
  })
  @IsOptional()
  @IsString({ message: 'ticket must be text' })
  @CharLength(1, 8192, { message: 'ticket must be 1 to 8192 characters' })
  ticket?: string;

  @ApiPropertyOptional({
    description:
      "With a ticket: the account's current identity is lost, so remove it and admit this one instead (its pseudonyms start without standing)",
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'replaceLostIdentity must be true or false' })
  replaceLostIdentity?: boolean;

  @ApiPropertyOptional({
    description:
      'Needed when the OPEN community asks for a proof-of-work (joinWorkDifficulty > 0): the challenge from GET …/join-work',
    example: '2943000.W5yq1dG1cT3Kq0b2oXzR8A',
  })
  @IsOptional()
  @IsString({ message: 'workChallenge must be text' })
  @CharLength(1, 64, { message: 'workChallenge must be 1 to 64 characters' })
  workChallenge?: string;

  @ApiPropertyOptional({
    description:
      'With workChallenge: the nonce solving it for this commitment (libs/protocol solveJoinWork), a decimal of at most 15 digits',
    example: '183725',
  })
  @IsOptional()
  @Matches(JOIN_WORK_NONCE_PATTERN, {
    message: 'workNonce must be a decimal number of at most 15 digits, without leading zeros',
  })
  workNonce?: string;
}

export class JoinWorkDto implements JoinWorkResponse {
  @ApiProperty({
    description:
      'Leading zero bits the join hash must have (0: no work needed; then join without workChallenge)',
    example: 20,
  })
  difficulty!: number;

  @ApiProperty({
    description:
      'Solve SHA-256("bridgenotes/join-work/1|<community id>|<commitment>|<challenge>|<nonce>") for a nonce (docs/operations.md)',
    example: '2943000.W5yq1dG1cT3Kq0b2oXzR8A',
  })
  challenge!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Join before this time, or get a new challenge',
  })
  expiresAt!: string;
}

export class AddMembersDto {
  @ApiProperty({ type: [String], description: 'Identity commitments (decimal), 1 to 1000' })
  @IsArray({ message: 'commitments must be a list' })
  @ArrayMinSize(1, { message: 'commitments must hold at least one commitment' })
  @ArrayMaxSize(1_000, { message: 'commitments must hold at most 1000 commitments' })
  @Matches(DECIMAL, { each: true, message: `each of commitments ${DECIMAL_MESSAGE}` })
  commitments!: string[];
}

export class MemberParams extends CommunitySlugParams {
  @ApiProperty({ description: 'Identity commitment (decimal)' })
  @Matches(DECIMAL, { message: `commitment ${DECIMAL_MESSAGE}` })
  commitment!: string;
}

export class MembershipChangeDto implements MembershipChangeResponse {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Leaf index of the (first) member added; null while the join is pending',
    example: 41,
  })
  leafIndex!: number | null;

  @ApiProperty({ description: 'The group root now (decimal): the new one once the join is sealed' })
  root!: string;

  @ApiProperty({ description: 'Leaves in the tree now', example: 42 })
  size!: number;

  @ApiPropertyOptional({
    description:
      'true: the join is stored durably and waits for its batch (SEAL_WINDOW_SECONDS, at least SEAL_MIN_MEMBERS joins, or fewer after at most the community sealing.maxWaitSeconds, null: no bound): poll the group leaves until they include the commitment before proving',
  })
  pending?: boolean;
}

export class CreateInvitesDto {
  // A JSON body: a number as it is (no conversion: "0x10" or true is no count), never null.
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 1 })
  @OptionalNotNull()
  @IsInt({ message: 'count must be a whole number' })
  @Min(1, { message: 'count must be from 1 to 100' })
  @Max(100, { message: 'count must be from 1 to 100' })
  count = 1;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    maximum: 720,
    default: 168,
    description: 'Validity in hours',
  })
  @OptionalNotNull()
  @IsInt({ message: 'expiresInHours must be a whole number' })
  @Min(1, { message: 'expiresInHours must be from 1 to 720' })
  @Max(720, { message: 'expiresInHours must be from 1 to 720' })
  expiresInHours = 168;
}

export class InvitesDto {
  @ApiProperty({
    type: [String],
    description: 'Single-use codes; shown once, only their hashes are kept',
  })
  codes!: string[];

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class GroupLeavesDto implements GroupLeavesResponse {
  @ApiProperty({ description: 'Root of the tree these leaves build (decimal)' })
  root!: string;

  @ApiProperty({ example: 42 })
  size!: number;

  @ApiProperty({ example: 20 })
  depth!: number;

  @ApiProperty({
    type: [String],
    description: 'Every leaf in tree order; "0" for a removed member',
  })
  leaves!: string[];
}

export class GroupRootDto {
  @ApiProperty()
  root!: string;

  @ApiProperty()
  size!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  supersededAt!: string | null;
}

export class RootHistoryQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be from 1 to 500' })
  @Max(500, { message: 'limit must be from 1 to 500' })
  limit = 50;
}

export class MemberInviteDto {
  @ApiProperty({
    description: "Which of the member's codes this is (1 for its first): the proven payload { n }",
    minimum: 1,
    maximum: 100,
  })
  @IsInt({ message: 'n must be a whole number' })
  @Min(1, { message: 'n must be from 1 to 100' })
  @Max(100, { message: 'n must be from 1 to 100' })
  n!: number;

  @ApiProperty({ description: 'Client clock in whole minutes since the Unix epoch (UTC)' })
  @IsInt({ message: 'clientMinute must be a whole number' })
  clientMinute!: number;

  @ApiProperty({
    description: 'Semaphore v4 proof of the action invite.create (docs/protocol.md)',
    type: 'object',
    additionalProperties: true,
  })
  @IsObject({ message: 'proof must be an object' })
  proof!: Record<string, unknown>;
}

export class MemberInviteCodeDto {
  @ApiProperty({ description: 'A single-use code; shown once, only its hash is kept' })
  code!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ description: 'Codes this pseudonym has created, this one included' })
  used!: number;

  @ApiProperty({ description: "The community's quota per member" })
  quota!: number;
}
