import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { ProfileDto, PseudonymParams } from './dto/profile.dto';
import { StandingService } from './standing.service';

@ApiTags('standing')
@Controller('communities/:slug/pseudonyms')
export class StandingController {
  constructor(private readonly standing: StandingService) {}

  @Get(':pseudonym')
  @ApiOperation({
    summary: "A pseudonym's public profile: its rating and writing impact, counts and notes",
    description:
      'Everything here is already in the open data and links to no identity. A pseudonym that never acted answers zeros. Impacts are those of the latest full scoring run (incremental runs keep them; docs/admission.md).',
  })
  @ApiOkResponse({ type: ProfileDto })
  async profile(
    @RouteCommunityKey() community: CommunityKey,
    @Param() { pseudonym }: PseudonymParams,
  ): Promise<ProfileDto> {
    return ProfileDto.from(pseudonym, await this.standing.profile(community, pseudonym));
  }
}
