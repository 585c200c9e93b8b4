import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export class CommunitySlugParams {
  @ApiProperty({ example: 'demo', pattern: SLUG_PATTERN.source })
  @Matches(SLUG_PATTERN, {
    message: 'slug must be 1 to 64 lowercase letters, digits or inner dashes',
  })
  slug!: string;
}
