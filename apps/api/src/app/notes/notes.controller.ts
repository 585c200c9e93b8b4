import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { ApiErrorBody } from '../common/api-error';
import { PageQuery } from '../common/page-query.dto';
import { CommunitySlugParams } from '../common/slug';
import { CommunitiesService } from '../communities/communities.service';
import { CreateNoteDto, DeleteNoteDto, PutRatingDto, RequestNoteDto } from './dto/note-input.dto';
import { NeedingRatingsQuery, NoteParams, PostQuery } from './dto/note-params.dto';
import {
  NoteDetailDto,
  NoteDto,
  NotePageDto,
  NoteRequestDto,
  PostDto,
  PostNotesDto,
  RatingDto,
  RequestedPostPageDto,
} from './dto/note.dto';
import { NoteRequestsService } from './note-requests.service';
import { NotesService } from './notes.service';
import { PostResponseCache, REVALIDATE } from './post-responses';
import { RatingsService } from './ratings.service';

const PROOF_ERRORS =
  'VALIDATION_FAILED and content codes, PROOF_MALFORMED, PROOF_DEPTH, PROOF_SCOPE, PROOF_MESSAGE, PROOF_STALE';
const MEMBERSHIP_ERRORS = 'PROOF_ROOT_UNKNOWN, PROOF_ROOT_EXPIRED, PROOF_INVALID';
/** Every proven write: the proof could not be verified at all (send it again). */
const VERIFIER_DOWN = 'PROOF_VERIFIER_UNAVAILABLE (the service is restarting)';

@ApiTags('notes')
@Controller()
export class NotesController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly notes: NotesService,
    private readonly ratings: RatingsService,
    private readonly requests: NoteRequestsService,
    private readonly postResponses: PostResponseCache,
  ) {}

  @Post('communities/:slug/notes')
  @ApiOperation({
    summary: 'Write a note on a post, as the pseudonym the proof gives (action note.create)',
    description:
      "Sending the same proven note again answers the existing note with 200. A pseudonym writes once its rating impact reaches the community's earnInImpact, and not while 3 of its last 5 decided notes are not helpful (EARN_IN_REQUIRED, WRITING_LOCKED; details say where it stands).",
  })
  @ApiCreatedResponse({ type: NoteDto })
  @ApiOkResponse({ type: NoteDto, description: 'The same submission was already stored' })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description: `${PROOF_ERRORS}, POST_REF_INVALID, POST_URL_INVALID, REASONS_INVALID, TEXT_INVALID, SOURCES_INVALID, SOURCES_REQUIRED`,
  })
  @ApiForbiddenResponse({
    type: ApiErrorBody,
    description: `${MEMBERSHIP_ERRORS}, EARN_IN_REQUIRED, WRITING_LOCKED`,
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: VERIFIER_DOWN })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'MIRROR_READ_ONLY' })
  async create(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: CreateNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NoteDto> {
    const { note, created } = await this.notes.create(
      await this.communities.writableKeyOf(slug),
      input,
    );
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return NoteDto.from(note);
  }

  @Get('communities/:slug/notes')
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({
    summary: 'Notes that need ratings: oldest first, or on the most-requested posts first',
    description:
      'Keyset-paginated: pass `nextCursor` as `cursor` with the same `order`. Answers carry an ETag; `If-None-Match` gets 304 while the page is unchanged.',
  })
  @ApiOkResponse({ type: NotePageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, CURSOR_INVALID' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async needingRatings(
    @Param() { slug }: CommunitySlugParams,
    @Query() { order, limit, cursor }: NeedingRatingsQuery,
  ): Promise<NotePageDto> {
    const page = await this.notes.needingRatings(
      await this.communities.keyOf(slug),
      order,
      limit,
      cursor,
    );
    return {
      items: page.items.map((note) => ({
        ...NoteDto.from(note),
        postRequestCount: note.postRequestCount,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Post('communities/:slug/note-requests')
  @ApiOperation({
    summary: 'Request a note on a post, as the pseudonym the proof gives (action note.request)',
    description:
      'One request per pseudonym and post in a community: asking again answers the stored request with 200 and counts nothing. The post need not have notes yet.',
  })
  @ApiCreatedResponse({ type: NoteRequestDto, description: 'Recorded; the post counts one more' })
  @ApiOkResponse({
    type: NoteRequestDto,
    description: 'This pseudonym had already requested a note on this post',
  })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description: `${PROOF_ERRORS}, POST_REF_INVALID, POST_URL_INVALID`,
  })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: MEMBERSHIP_ERRORS })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: VERIFIER_DOWN })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'MIRROR_READ_ONLY' })
  async request(
    @Param() { slug }: CommunitySlugParams,
    @Body() input: RequestNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NoteRequestDto> {
    const { request, postRequestCount, created } = await this.requests.create(
      await this.communities.writableKeyOf(slug),
      input,
    );
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return NoteRequestDto.from(request, postRequestCount);
  }

  @Get('communities/:slug/note-requests')
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({
    summary: 'Posts members requested notes on, most requested first: where writers are wanted',
    description:
      "Each with the community's request count and how many notes it has there. Keyset-paginated: pass `nextCursor` as `cursor`. Answers carry an ETag; `If-None-Match` gets 304 while the page is unchanged. Requesters are not listed.",
  })
  @ApiOkResponse({ type: RequestedPostPageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, CURSOR_INVALID' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async requestedPosts(
    @Param() { slug }: CommunitySlugParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<RequestedPostPageDto> {
    const page = await this.requests.requestedPosts(
      await this.communities.keyOf(slug),
      limit,
      cursor,
    );
    return {
      items: page.items.map(({ post, requestCount, noteCount }) => ({
        post: PostDto.from(post, requestCount),
        noteCount,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get('communities/:slug/notes/:id')
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({ summary: 'One note with its status, scores and status history' })
  @ApiOkResponse({ type: NoteDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND, NOTE_NOT_FOUND' })
  async get(@Param() { slug, id }: NoteParams): Promise<NoteDetailDto> {
    const note = await this.notes.get(await this.communities.keyOf(slug), id);
    return NoteDetailDto.withHistory(note, await this.notes.statusHistory(note.id));
  }

  @Delete('communities/:slug/notes/:id')
  @ApiOperation({
    summary: 'Delete your own note (action note.delete, target note:<id>, empty payload)',
    description:
      'The note stays in the open data with its ratings, marked deleted, as in Community Notes.',
  })
  @ApiOkResponse({ type: NoteDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: PROOF_ERRORS })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: `${MEMBERSHIP_ERRORS}, NOT_AUTHOR` })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: VERIFIER_DOWN })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND, NOTE_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'MIRROR_READ_ONLY' })
  async delete(@Param() { slug, id }: NoteParams, @Body() input: DeleteNoteDto): Promise<NoteDto> {
    return NoteDto.from(
      await this.notes.delete(await this.communities.writableKeyOf(slug), id, input),
    );
  }

  @Put('communities/:slug/notes/:id/rating')
  @ApiOperation({
    summary: 'Rate a note, or change your rating (action rating.put, target note:<id>)',
    description:
      'A later clientMinute replaces your rating; the same rating again changes nothing (200).',
  })
  @ApiCreatedResponse({
    type: RatingDto,
    description: 'First rating of this note by this pseudonym',
  })
  @ApiOkResponse({ type: RatingDto, description: 'Replaced, or unchanged for an exact replay' })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: `${PROOF_ERRORS}, TAGS_INVALID` })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: `${MEMBERSHIP_ERRORS}, SELF_RATING` })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: VERIFIER_DOWN })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND, NOTE_NOT_FOUND' })
  @ApiConflictResponse({
    type: ApiErrorBody,
    description: 'RATING_OUTDATED, NOTE_DELETED, MIRROR_READ_ONLY',
  })
  async rate(
    @Param() { slug, id }: NoteParams,
    @Body() input: PutRatingDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RatingDto> {
    const { rating, outcome } = await this.ratings.put(
      await this.communities.writableKeyOf(slug),
      id,
      input,
    );
    response.status(outcome === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return RatingDto.from(rating);
  }

  @Get('posts')
  @ApiOperation({
    summary: "A post's notes, by URL (canonicalised) or by platform id; helpful notes first",
    description:
      "With `community`, only that community's notes and requests count; without, every community's. A post that was only requested answers with no notes.",
  })
  @ApiOkResponse({ type: PostNotesDto })
  @ApiBadRequestResponse({
    type: ApiErrorBody,
    description: 'VALIDATION_FAILED, POST_REF_INVALID, POST_URL_INVALID',
  })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'POST_NOT_FOUND, COMMUNITY_NOT_FOUND' })
  async post(
    @Query() { community, ...ref }: PostQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const communityId = community ? (await this.communities.keyOf(community)).id : undefined;
    const { post, requestCount, notes } = await this.notes.ofPost(ref, communityId);
    const answer: PostNotesDto = {
      post: PostDto.from(post, requestCount),
      notes: notes.map(NoteDto.from),
    };
    // Sent by the cache, so that the answers it keeps are byte for byte this one.
    this.postResponses.answer(request, response, answer);
  }
}
