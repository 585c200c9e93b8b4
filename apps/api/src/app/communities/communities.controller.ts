import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { CommunitiesService } from './communities.service';
import { RouteCommunity } from './route-community.decorator';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';
import { CommunityDto } from './dto/community.dto';

@ApiTags('communities')
@Controller('communities')
export class CommunitiesController {
  constructor(private readonly communities: CommunitiesService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({ summary: 'Create a community (operator)' })
  @ApiCreatedResponse({ type: CommunityDto })
  @ApiErrors('VALIDATION_FAILED', 'COMMUNITY_EXISTS')
  async create(@Body() input: CreateCommunityDto): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.create(input));
  }

  @Patch(':slug')
  @OperatorOnly()
  @ApiOperation({
    summary: "Change a community's name, description or admission policy (operator)",
  })
  @ApiOkResponse({ type: CommunityDto })
  async update(
    @RouteCommunity() community: Community,
    @Body() input: UpdateCommunityDto,
  ): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.update(community, input));
  }

  @Get(':slug')
  @ApiOperation({
    summary: 'A community: its admission policy, scope, tree depth and current root',
  })
  @ApiOkResponse({ type: CommunityDto })
  get(@RouteCommunity() community: Community): CommunityDto {
    return CommunityDto.from(community);
  }
}
