import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Helpfulness, NoteClassification } from '@bridgenotes/database';
import {
  CONTENT_MESSAGES,
  MAX_URL_LENGTH,
  NOTE_REASONS_LIMIT,
  NOTE_SOURCES_LIMIT,
  NOTE_TEXT_LIMIT,
  NOTE_TEXT_SENT_LIMIT,
  RATING_TAGS_LIMIT,
} from '@bridgenotes/protocol';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';

import { ProofDto } from '../../membership/dto/proof.dto';
import { CharLength } from '../../common/char-length';

/** Every write carries its proof and the client minute the proof's message was made with. */
export abstract class ProvenInput {
  @ApiProperty({
    description: 'Client clock in whole minutes since the Unix epoch (UTC)',
    example: 29_591_488,
  })
  @IsInt({ message: 'clientMinute must be a whole number' })
  clientMinute!: number;

  @ApiProperty({
    description: 'Semaphore v4 proof of the action (docs/protocol.md)',
    type: ProofDto,
  })
  @IsObject({ message: 'proof must be an object' })
  proof!: Record<string, unknown>;
}

export class PostRefDto {
  @ApiPropertyOptional({
    description: "The post's URL (http or https; canonicalised)",
    example: 'https://example.com/story?id=7',
  })
  @IsOptional()
  @IsString({ message: 'post.url must be text' })
  @CharLength(1, MAX_URL_LENGTH, { message: CONTENT_MESSAGES.postUrl })
  url?: string;

  @ApiPropertyOptional({ description: "A platform's name, with externalId", example: 'mastodon' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'post.platform must be 1 to 64 lowercase letters, digits, dots, dashes or underscores',
  })
  platform?: string;

  @ApiPropertyOptional({
    description: "The post's id on that platform",
    example: '113456789012345678',
  })
  @IsOptional()
  @IsString({ message: 'post.externalId must be text' })
  @CharLength(1, 256, { message: 'post.externalId must be 1 to 256 characters' })
  externalId?: string;
}

export class CreateNoteDto extends ProvenInput {
  @ApiProperty({ type: PostRefDto, description: 'Either { url } or { platform, externalId }' })
  // ValidateNested alone lets a missing post through.
  @IsObject({ message: 'post must be an object: { url } or { platform, externalId }' })
  @ValidateNested()
  @Type(() => PostRefDto)
  post!: PostRefDto;

  @ApiProperty({ enum: NoteClassification, enumName: 'NoteClassification' })
  @IsEnum(NoteClassification, { message: CONTENT_MESSAGES.classification })
  classification!: NoteClassification;

  @ApiProperty({
    type: [String],
    example: ['MISSING_IMPORTANT_CONTEXT'],
    description: "Reasons of the classification's side",
  })
  @IsArray({ message: 'reasons must be a list' })
  @ArrayMaxSize(NOTE_REASONS_LIMIT, { message: CONTENT_MESSAGES.reasonsLimit })
  @IsString({ each: true, message: 'each reason must be text' })
  reasons!: string[];

  @ApiProperty({
    example: 'The bridge is closed to cars only; see the city notice.',
    description: `At most ${NOTE_TEXT_LIMIT} characters, each URL counting as one`,
  })
  @IsString({ message: 'text must be text' })
  @CharLength(1, NOTE_TEXT_SENT_LIMIT, { message: CONTENT_MESSAGES.textSent })
  text!: string;

  @ApiProperty({
    type: [String],
    example: ['https://example.org/notice'],
    description: 'http(s) links; at least one for a misleading note',
  })
  @IsArray({ message: 'sources must be a list' })
  @ArrayMaxSize(NOTE_SOURCES_LIMIT, { message: CONTENT_MESSAGES.sourcesLimit })
  @IsString({ each: true, message: 'each source must be text' })
  sources!: string[];
}

export class DeleteNoteDto extends ProvenInput {}

export class PutRatingDto extends ProvenInput {
  @ApiProperty({ enum: Helpfulness, enumName: 'Helpfulness' })
  @IsEnum(Helpfulness, { message: CONTENT_MESSAGES.helpfulness })
  helpfulness!: Helpfulness;

  @ApiProperty({
    type: [String],
    example: ['CLEAR', 'GOOD_SOURCES'],
    description: "Tags of the rating's side",
  })
  @IsArray({ message: 'tags must be a list' })
  @ArrayMaxSize(RATING_TAGS_LIMIT, { message: CONTENT_MESSAGES.tagsLimit })
  @IsString({ each: true, message: 'each tag must be text' })
  tags!: string[];
}

export class RequestNoteDto extends ProvenInput {
  @ApiProperty({
    type: PostRefDto,
    description: 'The post a note is wanted on: either { url } or { platform, externalId }',
    example: { url: 'https://example.com/story?id=7' },
  })
  // ValidateNested alone lets a missing post through.
  @IsObject({ message: 'post must be an object: { url } or { platform, externalId }' })
  @ValidateNested()
  @Type(() => PostRefDto)
  post!: PostRefDto;
}
