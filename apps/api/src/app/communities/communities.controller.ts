import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { OperatorOnly } from '../common/operator-key.guard';
import { CommunitySlugParams } from '../common/slug';
import { CommunitiesService } from './communities.service';
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
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'COMMUNITY_EXISTS' })
  async create(@Body() input: CreateCommunityDto): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.create(input));
  }

  @Patch(':slug')
  @OperatorOnly()
  @ApiOperation({
    summary: "Change a community's name, description or admission policy (operator)",
  })
  @ApiOkResponse({ type: CommunityDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async update(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: UpdateCommunityDto,
  ): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.update(slug, input));
  }

  @Get(':slug')
  @ApiOperation({
    summary: 'A community: its admission policy, scope, tree depth and current root',
  })
  @ApiOkResponse({ type: CommunityDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async get(@Param() { slug }: CommunitySlugParams): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.findBySlug(slug));
  }
}
