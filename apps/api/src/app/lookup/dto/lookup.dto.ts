import { ApiProperty } from '@nestjs/swagger';
import { LOOKUP_PREFIX_PATTERN } from '@bridgenotes/protocol';
import { Matches } from 'class-validator';

import { CommunitySlugParams } from '../../common/slug';
import { NoteDto } from '../../notes/dto/note.dto';

export class LookupParams extends CommunitySlugParams {
  @ApiProperty({
    description:
      "The first 4 hex digits (lowercase) of the post's lookup hash: SHA-256 of `url⇥<canonical URL>` or `platform⇥<platform>⇥<externalId>` (docs/extension.md)",
    example: '67fc',
    pattern: LOOKUP_PREFIX_PATTERN.source,
  })
  @Matches(LOOKUP_PREFIX_PATTERN, { message: 'prefix must be 4 lowercase hex digits' })
  prefix!: string;
}

export class LookupPostDto {
  @ApiProperty({
    description: "The post's whole lookup hash: the reader's client keeps the post whose it is",
    example: '67fc1120d9e90e4e06017c3ae8a57e4008932ee7b9d1b8201bf6e1d7f18773f9',
  })
  hash!: string;

  @ApiProperty({ description: 'Members of the community who requested a note on the post' })
  requestCount!: number;

  @ApiProperty({
    type: [NoteDto],
    description:
      "The community's notes on the post that are shown (helpful) or need ratings, helpful first; not-helpful and deleted notes are left out",
  })
  notes!: NoteDto[];
}

export class LookupBucketDto {
  @ApiProperty({ example: '67fc' })
  prefix!: string;

  @ApiProperty({
    type: [LookupPostDto],
    description:
      'Every post of the bucket with notes to show or rate, or with requests, in the community',
  })
  posts!: LookupPostDto[];
}
