import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { OperatorOnly } from '../common/operator-key.guard';
import { CommunitySlugParams } from '../common/slug';
import { CommunitiesService } from '../communities/communities.service';
import { CredentialIssuersService } from './credential-issuers.service';
import { CreateIssuerDto, IssuerDto, IssuerParams } from './dto/issuer.dto';

@ApiTags('credentials')
@Controller('communities/:slug/issuers')
export class CredentialIssuersController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly issuers: CredentialIssuersService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The issuers whose tickets admit members of a CREDENTIAL community, with their public keys',
  })
  @ApiOkResponse({ type: [IssuerDto] })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async list(@Param() { slug }: CommunitySlugParams): Promise<IssuerDto[]> {
    const issuers = await this.issuers.list(await this.communities.findBySlug(slug));
    return issuers.map(IssuerDto.from);
  }

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary:
      'Trust an issuer: its tickets (JWTs signed with these public keys) admit members (operator)',
  })
  @ApiCreatedResponse({ type: IssuerDto })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description: 'VALIDATION_FAILED, ISSUER_KEYS_INVALID',
  })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'ISSUER_EXISTS, MIRROR_READ_ONLY' })
  async add(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: CreateIssuerDto,
  ): Promise<IssuerDto> {
    return IssuerDto.from(await this.issuers.add(await this.communities.findWritable(slug), input));
  }

  @Delete(':id')
  @OperatorOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop trusting an issuer; its members stay (operator)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND, ISSUER_NOT_FOUND' })
  async remove(@Param() { slug, id }: IssuerParams): Promise<void> {
    await this.issuers.remove(await this.communities.findWritable(slug), id);
  }
}
