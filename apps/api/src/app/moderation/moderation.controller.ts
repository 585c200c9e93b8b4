import { Body, Controller, Get, Header, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { PageQuery } from '../common/page-query.dto';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { ModerationActionDto, ModerationLogQuery } from './dto/moderation-input.dto';
import { ModerationLogDto, ModerationLogEntryDto, ReportQueueDto } from './dto/moderation.dto';
import { LOG_PAGE, ModerationService } from './moderation.service';
import { Authorization, ModeratorOrOperator } from './moderator.decorator';
import { ModeratorKeysService } from './moderator-keys.service';

@ApiTags('moderation')
@Controller('communities/:slug/moderation')
export class ModerationController {
  constructor(
    private readonly moderation: ModerationService,
    private readonly keys: ModeratorKeysService,
  ) {}

  @Get('reports')
  @Header('Cache-Control', 'no-store')
  @ModeratorOrOperator()
  @ApiOperation({
    summary:
      'Open reports: notes with a report since the last action on them, with their status and counts per reason (moderator)',
    description:
      'Notes that are deleted, hidden or redacted are left out, and so is a note until it is reported after the last action on it. Latest reported first (by day), then most reported. Keyset-paginated: pass `nextCursor` as `cursor`.',
  })
  @ApiOkResponse({ type: ReportQueueDto })
  @ApiErrors('VALIDATION_FAILED', 'CURSOR_INVALID')
  async reports(
    @RouteCommunityKey() community: CommunityKey,
    @Authorization() authorization: string | undefined,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<ReportQueueDto> {
    await this.keys.moderatorOf(community, authorization);
    return this.moderation.queue(community, limit, cursor);
  }

  @Post('actions')
  @ModeratorOrOperator()
  @ApiOperation({
    summary:
      'Hide, restore or redact a note, dismiss its reports, block or unblock a pseudonym (moderator)',
    description:
      'HIDE, RESTORE, REDACT and DISMISS take `noteId`, BLOCK and UNBLOCK `pseudonym` (a nullifier: a canonical decimal below the SNARK scalar field). The action and its effect are written together, and the action appended to the public log (answered); an action on a note takes its reports out of the queue, and REDACT empties their texts too. DISMISS (reason REVIEWED only) changes nothing but that: the note stays as it is. An action that would change nothing (hiding a hidden note, redacting twice, blocking a blocked pseudonym, dismissing a note with no open report) answers 409 MODERATION_UNCHANGED and writes nothing; DISMISS of a note its author deleted answers 404 NOTE_NOT_FOUND; BLOCK of a pseudonym with no note, rating, request or report in the community answers 404 PSEUDONYM_NOT_FOUND and writes nothing. docs/moderation.md says what each action does.',
  })
  @ApiCreatedResponse({ type: ModerationLogEntryDto })
  @ApiErrors(
    'MODERATION_TARGET_INVALID',
    'MODERATION_UNCHANGED',
    'NOTE_NOT_FOUND',
    'PSEUDONYM_NOT_FOUND',
  )
  async act(
    @RouteCommunityKey('write') community: CommunityKey,
    @Authorization() authorization: string | undefined,
    @Body() input: ModerationActionDto,
  ): Promise<ModerationLogEntryDto> {
    const moderator = await this.keys.moderatorOf(community, authorization);
    return ModerationLogEntryDto.from(await this.moderation.act(community, moderator, input));
  }

  @Get('log')
  @ApiOperation({
    summary: "The community's public moderation log, hash-chained (docs/moderation.md)",
    description: `Entries after \`after\` in order (pass \`nextAfter\` as \`after\`), or with \`order=newest\` the latest first (pass \`nextBefore\` as \`before\` for older ones); at most \`limit\` (${LOG_PAGE}). A mirror serves its origin's log.`,
  })
  @ApiOkResponse({ type: ModerationLogDto })
  @ApiErrors('VALIDATION_FAILED')
  async log(
    @RouteCommunityKey() community: CommunityKey,
    @Query() { order, after, before, limit }: ModerationLogQuery,
  ): Promise<ModerationLogDto> {
    if (order === 'newest') {
      const items = await this.moderation.newest(community, before, limit);
      // Seqs run from 1 without a gap (an append follows the last entry): below the last seq
      // given there is more exactly when it is above 1.
      const oldest = items.at(-1)?.seq ?? 1;
      return {
        items: items.map(ModerationLogEntryDto.from),
        nextAfter: null,
        nextBefore: items.length === limit && oldest > 1 ? oldest : null,
      };
    }
    const items = await this.moderation.entries(community, after, limit);
    return {
      items: items.map(ModerationLogEntryDto.from),
      nextAfter: items.length === limit ? (items.at(-1)?.seq ?? null) : null,
      nextBefore: null,
    };
  }
}
