import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { CommunitiesService } from '../communities/communities.service';
import { LookupBucketDto, LookupParams } from './dto/lookup.dto';
import { LookupService } from './lookup.service';

/**
 * A minute in every cache, then served stale for a few seconds more while one request
 * revalidates: a bucket is the same for every reader, so a CDN in front answers almost every
 * lookup and the instance sees few of them at all. The staleness is short because a note a
 * moderator hides or redacts must leave the extension's lookup soon (docs/moderation.md: at most
 * 65 s in any cache); a new or newly helpful note shows as fast.
 */
export const LOOKUP_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=5';

@ApiTags('lookup')
@Controller()
export class LookupController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly lookup: LookupService,
  ) {}

  @Get('communities/:slug/lookup/:prefix')
  @Header('Cache-Control', LOOKUP_CACHE_CONTROL)
  // Public data, readable from any origin (the extension, other readers' clients, a CDN).
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cross-Origin-Resource-Policy', 'cross-origin')
  @ApiOperation({
    summary: "Private lookup: the community's posts whose lookup hash starts with a prefix",
    description:
      "A reader's client hashes the post it shows (`postLookupHash` in libs/protocol), asks for the bucket of the hash's first 4 hex digits and keeps the post whose whole hash matches, if any: the instance learns the bucket (one of 65,536, shared by every post whose hash starts so), never the URL or the post. Cacheable by a CDN (`Cache-Control: public, max-age=60, stale-while-revalidate=5`: a hidden or redacted note leaves every cache within 65 s); answers carry an ETag, so `If-None-Match` gets 304 while the bucket is unchanged.",
  })
  @ApiOkResponse({ type: LookupBucketDto })
  @ApiErrors('VALIDATION_FAILED', 'COMMUNITY_NOT_FOUND')
  async bucket(@Param() { slug, prefix }: LookupParams): Promise<LookupBucketDto> {
    return this.lookup.bucket(await this.communities.keyOf(slug), prefix);
  }
}
