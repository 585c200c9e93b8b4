import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

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

export class NotePageQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be from 1 to 100' })
  @Max(100, { message: 'limit must be from 1 to 100' })
  limit = 20;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, {
    message: 'cursor must be a nextCursor value from a previous page',
  })
  cursor?: string;
}
