import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { OperatorOnly } from '../common/operator-key.guard';
import { RouteCommunity } from '../communities/route-community.decorator';
import { CommunityOverviewService } from './community-overview.service';
import { CommunityOverviewDto } from './dto/community-overview.dto';

@ApiTags('console')
@Controller('communities/:slug/overview')
export class CommunityOverviewController {
  constructor(private readonly overview: CommunityOverviewService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: "A community's scoring and membership at a glance (operator console)",
    description:
      "Aggregates only: notes per status, the scored notes' intercept and factor, the raters' factor histogram of the latest run, the member count and the group's size per day. Never who wrote or rated what.",
  })
  @ApiOkResponse({ type: CommunityOverviewDto })
  get(@RouteCommunity() community: Community): Promise<CommunityOverviewDto> {
    return this.overview.overview(community);
  }
}
