import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';

import { CommunitySlugParams, SLUG_PATTERN } from '../../common/slug';
import { PostRefDto } from './note-input.dto';

export class NoteParams extends CommunitySlugParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class PostQuery extends PostRefDto {
  @ApiPropertyOptional({ description: 'Only notes of this community', example: 'demo' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'community must be a community slug' })
  community?: string;
}
