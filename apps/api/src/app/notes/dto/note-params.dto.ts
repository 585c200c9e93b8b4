import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

import { IsUuidParam } from '../../common/uuid-param';
import { PageQuery } from '../../common/page-query.dto';
import { CommunitySlugParams, SLUG_PATTERN } from '../../common/slug';
import { PostRefDto } from './note-input.dto';

export class NoteParams extends CommunitySlugParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('id must be a UUID')
  id!: string;
}

export class PostQuery extends PostRefDto {
  @ApiPropertyOptional({ description: 'Only notes of this community', example: 'demo' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'community must be a community slug' })
  community?: string;
}

export const NEEDING_RATINGS_ORDERS = ['oldest', 'most-requested'] as const;
export type NeedingRatingsOrder = (typeof NEEDING_RATINGS_ORDERS)[number];

export class NeedingRatingsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: NEEDING_RATINGS_ORDERS,
    default: 'oldest',
    description:
      "`oldest`: by the note's minute, then id. `most-requested`: by how many members of the community requested a note on the note's post (most first), then id. A cursor belongs to its order.",
    example: 'most-requested',
  })
  @IsOptional()
  @IsIn(NEEDING_RATINGS_ORDERS, { message: 'order must be oldest or most-requested' })
  order: NeedingRatingsOrder = 'oldest';
}
