import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { Authorization, ModeratorOrOperator } from '../moderation/moderator.decorator';
import { ModeratorKeysService } from '../moderation/moderator-keys.service';
import { CommunityOverviewService } from './community-overview.service';
import { CommunityOverviewDto } from './dto/community-overview.dto';

@ApiTags('console')
@Controller('communities/:slug/overview')
export class CommunityOverviewController {
  constructor(
    private readonly overview: CommunityOverviewService,
    private readonly keys: ModeratorKeysService,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ModeratorOrOperator()
  @ApiOperation({
    summary: "A community's scoring and membership at a glance (moderator, operator console)",
    description:
      "Aggregates only: notes per status, the regime of the latest run and what decided the notes in it (the Core's intercept and factor, or each opinion group's ratings in the small-community regime), the raters' factor histogram of the fit that decided the latest run (with the opinion groups' sizes), the member count and the group's size per day. Never who wrote or rated what.",
  })
  @ApiOkResponse({ type: CommunityOverviewDto })
  async get(
    @RouteCommunityKey() community: CommunityKey,
    @Authorization() authorization: string | undefined,
  ): Promise<CommunityOverviewDto> {
    await this.keys.moderatorOf(community, authorization);
    return this.overview.overview(community);
  }
}
