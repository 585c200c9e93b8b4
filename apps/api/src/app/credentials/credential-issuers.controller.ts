import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { RouteCommunity } from '../communities/route-community.decorator';
import { CredentialIssuersService } from './credential-issuers.service';
import { CreateIssuerDto, IssuerDto, IssuerParams } from './dto/issuer.dto';

@ApiTags('credentials')
@Controller('communities/:slug/issuers')
export class CredentialIssuersController {
  constructor(private readonly issuers: CredentialIssuersService) {}

  @Get()
  @ApiOperation({
    summary:
      'The issuers whose tickets admit members of a CREDENTIAL community, with their public keys',
  })
  @ApiOkResponse({ type: [IssuerDto] })
  async list(@RouteCommunity() community: Community): Promise<IssuerDto[]> {
    const issuers = await this.issuers.list(community);
    return issuers.map(IssuerDto.from);
  }

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary:
      'Trust an issuer: its tickets (JWTs signed with these public keys) admit members (operator)',
  })
  @ApiCreatedResponse({ type: IssuerDto })
  @ApiErrors('ISSUER_KEYS_INVALID', 'ISSUER_EXISTS')
  async add(
    @RouteCommunity('write') community: Community,
    @Body() input: CreateIssuerDto,
  ): Promise<IssuerDto> {
    return IssuerDto.from(await this.issuers.add(community, input));
  }

  @Delete(':id')
  @OperatorOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop trusting an issuer; its members stay (operator)' })
  @ApiNoContentResponse()
  @ApiErrors('ISSUER_NOT_FOUND')
  async remove(
    @RouteCommunity('write') community: Community,
    @Param() { id }: IssuerParams,
  ): Promise<void> {
    await this.issuers.remove(community, id);
  }
}
