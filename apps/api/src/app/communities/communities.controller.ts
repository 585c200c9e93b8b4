import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { PageQuery } from '../common/page-query.dto';
import { Sealer } from '../sealing/sealer.service';
import { CommunitiesService } from './communities.service';
import { RouteCommunity } from './route-community.decorator';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';
import { CommunityPageDto } from './dto/community-page.dto';
import { CommunityDto } from './dto/community.dto';

@ApiTags('communities')
@Controller('communities')
export class CommunitiesController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly sealer: Sealer,
    private readonly env: Environment,
  ) {}

  /**
   * `community` as answered, with the instance's seal wait and the community's effective minimum
   * anonymity set of proofs (its own, else the instance's; the widget and extension need them).
   */
  private answer(community: Community): CommunityDto {
    return CommunityDto.from(
      community,
      { maxWaitSeconds: this.sealer.longestWaitSeconds },
      this.env.PROOF_MIN_MEMBERS,
    );
  }

  @Get()
  @ApiOperation({
    summary: 'The communities this instance serves (its own and those it mirrors), by slug',
    description:
      'Every community is public (each one is readable at GET /communities/:slug); this lists them, keyset-paginated.',
  })
  @ApiOkResponse({ type: CommunityPageDto })
  @ApiErrors('VALIDATION_FAILED', 'CURSOR_INVALID')
  async list(@Query() { limit, cursor }: PageQuery): Promise<CommunityPageDto> {
    const page = await this.communities.list(limit, cursor);
    return {
      items: page.items.map((community) => this.answer(community)),
      nextCursor: page.nextCursor,
    };
  }

  @Post()
  @OperatorOnly()
  @ApiOperation({ summary: 'Create a community (operator)' })
  @ApiCreatedResponse({ type: CommunityDto })
  @ApiErrors('VALIDATION_FAILED', 'COMMUNITY_EXISTS')
  async create(@Body() input: CreateCommunityDto): Promise<CommunityDto> {
    return this.answer(await this.communities.create(input));
  }

  @Patch(':slug')
  @OperatorOnly()
  @ApiOperation({
    summary:
      "Change a community's settings: name, description, admission, limits, embed origins, topics, its own minimum anonymity set of proofs (operator)",
  })
  @ApiOkResponse({ type: CommunityDto })
  async update(
    @RouteCommunity() community: Community,
    @Body() input: UpdateCommunityDto,
  ): Promise<CommunityDto> {
    return this.answer(await this.communities.update(community, input));
  }

  @Get(':slug')
  @ApiOperation({
    summary: 'A community: its admission policy, scope, tree depth and current root',
  })
  @ApiOkResponse({ type: CommunityDto })
  get(@RouteCommunity() community: Community): CommunityDto {
    return this.answer(community);
  }
}
