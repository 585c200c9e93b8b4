import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { OPERATOR_AUTH, OperatorKeyGuard } from '../common/operator-key.guard';
import { CommunitySlugParams } from '../common/slug';
import { CommunitiesService } from './communities.service';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';
import { CommunityDto } from './dto/community.dto';

@ApiTags('communities')
@Controller('communities')
export class CommunitiesController {
  constructor(private readonly communities: CommunitiesService) {}

  @Post()
  @UseGuards(OperatorKeyGuard)
  @ApiBearerAuth(OPERATOR_AUTH)
  @ApiOperation({ summary: 'Create a community (operator)' })
  @ApiCreatedResponse({ type: CommunityDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'OPERATOR_KEY_INVALID' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'COMMUNITY_EXISTS' })
  async create(@Body() input: CreateCommunityDto): Promise<CommunityDto> {
    return CommunityDto.from(await this.communities.create(input));
  }

  @Patch(':slug')
  @UseGuards(OperatorKeyGuard)
  @ApiBearerAuth(OPERATOR_AUTH)
  @ApiOperation({
    summary: "Change a community's name, description or admission policy (operator)",
  })
  @ApiOkResponse({ type: CommunityDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'OPERATOR_KEY_INVALID' })
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
