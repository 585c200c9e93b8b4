import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { IssueModeratorKeyDto, ModeratorKeyParams } from './dto/moderation-input.dto';
import { IssuedModeratorKeyDto, ModeratorKeyDto } from './dto/moderation.dto';
import { ModeratorKeysService } from './moderator-keys.service';

@ApiTags('moderation')
@Controller('communities/:slug/moderator-keys')
export class ModeratorKeysController {
  constructor(private readonly keys: ModeratorKeysService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Issue a key to moderate this community (operator); the secret is shown this once',
  })
  @ApiCreatedResponse({ type: IssuedModeratorKeyDto })
  async issue(
    @RouteCommunityKey() community: CommunityKey,
    @Body() input: IssueModeratorKeyDto,
  ): Promise<IssuedModeratorKeyDto> {
    const { key, secret } = await this.keys.issue(community, input.label);
    return { ...ModeratorKeyDto.from(key), secret };
  }

  @Get()
  @OperatorOnly()
  @ApiOperation({ summary: "The community's moderator keys, revoked ones too (operator)" })
  @ApiOkResponse({ type: [ModeratorKeyDto] })
  async list(@RouteCommunityKey() community: CommunityKey): Promise<ModeratorKeyDto[]> {
    return (await this.keys.list(community)).map(ModeratorKeyDto.from);
  }

  @Delete(':keyId')
  @OperatorOnly()
  @ApiOperation({
    summary: 'Revoke a moderator key (operator); its past actions stay in the log under its id',
  })
  @ApiOkResponse({ type: ModeratorKeyDto })
  @ApiErrors('MODERATOR_KEY_NOT_FOUND')
  async revoke(
    @RouteCommunityKey() community: CommunityKey,
    @Param() { keyId }: ModeratorKeyParams,
  ): Promise<ModeratorKeyDto> {
    return ModeratorKeyDto.from(await this.keys.revoke(community, keyId));
  }
}
