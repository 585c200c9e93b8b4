import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { PROVEN_WRITE_ERRORS } from '../membership/action-proof-errors';
import { NoteReportParams, ReportNoteDto } from './dto/moderation-input.dto';
import { NoteReportDto } from './dto/moderation.dto';
import { NoteReportsService } from './note-reports.service';

@ApiTags('moderation')
@Controller('communities/:slug/notes/:noteId/reports')
export class NoteReportsController {
  constructor(private readonly reports: NoteReportsService) {}

  @Post()
  @ApiOperation({
    summary: "Report a note to the community's moderators (action note.report)",
    description:
      'Target `note:<noteId>`, payload `{ reason, text }` (text "" when none; OTHER needs one). One report per pseudonym and note: another answers 409 REPORT_EXISTS. Reports are seen by moderators only, never exported.',
  })
  @ApiCreatedResponse({ type: NoteReportDto })
  @ApiErrors(...PROVEN_WRITE_ERRORS, 'NOTE_NOT_FOUND', 'REPORT_EXISTS', 'REPORT_TEXT_REQUIRED')
  async report(
    @RouteCommunityKey('write') community: CommunityKey,
    @Param() { noteId }: NoteReportParams,
    @Body() input: ReportNoteDto,
  ): Promise<NoteReportDto> {
    return NoteReportDto.from(await this.reports.report(community, noteId, input));
  }
}
