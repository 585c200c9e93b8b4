import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

import { IsUuidParam } from '../../common/uuid-param';
import { SLUG_PATTERN } from '../../common/slug';

const SLUG_MESSAGE = 'must be 1 to 64 lowercase letters, digits or inner dashes';

export class CreateMirrorDto {
  @ApiProperty({
    description: "The origin instance's base URL (http or https, no query or fragment)",
    example: 'https://notes.example.org',
  })
  @Matches(/^https?:\/\/[^\s?#]{1,2000}$/, {
    message: 'origin must be the http(s) base URL of a Bridgenotes instance',
  })
  origin!: string;

  @ApiProperty({ description: "The community's slug on the origin", example: 'city-news' })
  @Matches(SLUG_PATTERN, { message: `community ${SLUG_MESSAGE}` })
  community!: string;

  @ApiPropertyOptional({
    description: "The slug it gets here (default: the origin's)",
    example: 'city-news-mirror',
  })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: `slug ${SLUG_MESSAGE}` })
  slug?: string;
}

export class MirrorIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('id must be a UUID')
  id!: string;
}

/** `POST /mirrors/{id}/follow`: follow again, from the same origin or another serving it. */
export class FollowMirrorDto {
  @ApiPropertyOptional({
    description:
      "Another base URL to follow the community at: the origin moved, or a saved export of it served with `bridgenotes serve` (its cursors are the origin's). Default: the origin followed so far",
    example: 'http://127.0.0.1:8787',
  })
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]{1,2000}$/, {
    message: 'origin must be the http(s) base URL of a Bridgenotes instance',
  })
  origin?: string;

  @ApiPropertyOptional({ description: "The community's slug there (default: as so far)" })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: `community ${SLUG_MESSAGE}` })
  community?: string;
}
