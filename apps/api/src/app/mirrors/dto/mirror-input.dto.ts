import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches, ValidateBy } from 'class-validator';

import { parsesAsHttpUrl } from '../../common/http-url';
import { OptionalNotNull } from '../../common/optional-not-null';
import { IsUuidParam } from '../../common/uuid-param';
import { SLUG_PATTERN } from '../../common/slug';

const SLUG_MESSAGE = 'must be 1 to 64 lowercase letters, digits or inner dashes';
const ORIGIN_PATTERN = /^https?:\/\/[^\s?#]{1,2000}$/;

/**
 * An http(s) base URL (no query or fragment) that fetch can read: `http://0x100000000` passed
 * the pattern alone and was answered 502 ORIGIN_UNREACHABLE, as if the origin were down.
 */
const IsOriginUrl = () =>
  ValidateBy(
    {
      name: 'isOriginUrl',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ORIGIN_PATTERN.test(value) && parsesAsHttpUrl(value),
      },
    },
    { message: 'origin must be the http(s) base URL of a Bridgenotes instance' },
  );

export class CreateMirrorDto {
  @ApiProperty({
    description: "The origin instance's base URL (http or https, no query or fragment)",
    example: 'https://notes.example.org',
  })
  @IsOriginUrl()
  origin!: string;

  @ApiProperty({ description: "The community's slug on the origin", example: 'city-news' })
  @Matches(SLUG_PATTERN, { message: `community ${SLUG_MESSAGE}` })
  community!: string;

  @ApiPropertyOptional({
    description: "The slug it gets here (default: the origin's)",
    example: 'city-news-mirror',
  })
  @OptionalNotNull()
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
  @OptionalNotNull()
  @IsOriginUrl()
  origin?: string;

  @ApiPropertyOptional({ description: "The community's slug there (default: as so far)" })
  @OptionalNotNull()
  @Matches(SLUG_PATTERN, { message: `community ${SLUG_MESSAGE}` })
  community?: string;
}
