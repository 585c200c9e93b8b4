import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { ApiErrors } from '../common/api-errors.decorator';
import { SEALED_WRITE_DOC } from '../sealing/sealed-write-docs';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { CreateNoteDto, DeleteNoteDto } from './dto/note-input.dto';
import { NeedingRatingsQuery, NoteParams } from './dto/note-params.dto';
import { NoteDetailDto, NoteDto, NotePageDto } from './dto/note.dto';
import { NotesService } from './notes.service';
import { REVALIDATE } from './post-responses';
import { PROVEN_WRITE_ERRORS } from '../membership/action-proof-errors';
import { POST_REF_ERRORS } from './post-ref-errors';

@ApiTags('notes')
@Controller('communities/:slug/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Post()
  @ApiOperation({
    summary: 'Write a note on a post, as the pseudonym the proof gives (action note.create)',
    description:
      "Sending the same proven note again answers the existing note with 200: the very proof it was taken with at any time (a resend after a lost answer, its minute since stale or its root expired), another proof of the same note while that proof is current. A note hidden by a moderator since answers 404 NOTE_NOT_FOUND to both. A pseudonym writes once its rating impact reaches the community's earnInImpact, and not while 3 of its last 5 decided notes are not helpful (EARN_IN_REQUIRED, WRITING_LOCKED; details say where it stands). Nobody writes, rates or requests in a community of fewer live members than its proofMinMembers (403 PROOF_ROOT_TOO_SMALL)." +
      SEALED_WRITE_DOC,
  })
  @ApiCreatedResponse({ type: NoteDto })
  @ApiOkResponse({ type: NoteDto, description: 'The same submission was already stored' })
  @ApiErrors(
    ...PROVEN_WRITE_ERRORS,
    ...POST_REF_ERRORS,
    'REASONS_INVALID',
    'TEXT_INVALID',
    'SOURCES_INVALID',
    'SOURCES_REQUIRED',
    'DAILY_QUOTA_EXCEEDED',
    'EARN_IN_REQUIRED',
    'WRITING_LOCKED',
    'NOTE_NOT_FOUND',
  )
  async create(
    @RouteCommunityKey('write') community: CommunityKey,
    @Body() input: CreateNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NoteDto> {
    const { note, created } = await this.notes.create(community, input);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return NoteDto.from(note);
  }

  @Get()
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({
    summary: 'Notes that need ratings: oldest first, or on the most-requested posts first',
    description:
      'Keyset-paginated: pass `nextCursor` as `cursor` with the same `order`. Answers carry an ETag; `If-None-Match` gets 304 while the page is unchanged.',
  })
  @ApiOkResponse({ type: NotePageDto })
  @ApiErrors('CURSOR_INVALID')
  async needingRatings(
    @RouteCommunityKey() community: CommunityKey,
    @Query() { order, limit, cursor }: NeedingRatingsQuery,
  ): Promise<NotePageDto> {
    const page = await this.notes.needingRatings(community, order, limit, cursor);
    return {
      items: page.items.map((note) => ({
        ...NoteDto.from(note),
        postRequestCount: note.postRequestCount,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({ summary: 'One note with its status, scores and status history' })
  @ApiOkResponse({ type: NoteDetailDto })
  @ApiErrors('NOTE_NOT_FOUND')
  async get(
    @RouteCommunityKey() community: CommunityKey,
    @Param() { id }: NoteParams,
  ): Promise<NoteDetailDto> {
    const note = await this.notes.get(community, id);
    return NoteDetailDto.withHistory(note, await this.notes.statusHistory(note.id));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete your own note (action note.delete, target note:<id>, empty payload)',
    description:
      'The note stays in the open data with its ratings, marked deleted, as in Community Notes. The deletion is a sealed write (docs/threat-model.md): the answer shows the note as it will be stored, sending it again answers the same, and the note takes no new rating from then on (409 NOTE_DELETED); reads and the export show it deleted once its batch is sealed.' +
      SEALED_WRITE_DOC.replace('A 201', 'The answer'),
  })
  @ApiOkResponse({ type: NoteDto })
  @ApiErrors(...PROVEN_WRITE_ERRORS, 'NOT_AUTHOR', 'NOTE_NOT_FOUND')
  async delete(
    @RouteCommunityKey('write') community: CommunityKey,
    @Param() { id }: NoteParams,
    @Body() input: DeleteNoteDto,
  ): Promise<NoteDto> {
    return NoteDto.from(await this.notes.delete(community, id, input));
  }
}
