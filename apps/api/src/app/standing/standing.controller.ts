import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { CommunitiesService } from '../communities/communities.service';
import { ProfileDto, PseudonymParams } from './dto/profile.dto';
import { StandingService } from './standing.service';

@ApiTags('standing')
@Controller('communities/:slug/pseudonyms')
export class StandingController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly standing: StandingService,
  ) {}

  @Get(':pseudonym')
  @ApiOperation({
    summary: "A pseudonym's public profile: its rating and writing impact, counts and notes",
    description:
      'Everything here is already in the open data and links to no identity. A pseudonym that never acted answers zeros. Impacts are those of the latest scoring run (docs/admission.md).',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async profile(@Param() { slug, pseudonym }: PseudonymParams): Promise<ProfileDto> {
    const community = await this.communities.keyOf(slug);
    return ProfileDto.from(pseudonym, await this.standing.profile(community, pseudonym));
  }
}
