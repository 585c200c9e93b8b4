import { Body, Controller, Get, Header, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { ApiErrors } from '../common/api-errors.decorator';
import { SEALED_WRITE_DOC } from '../sealing/sealed-write-docs';
import { PageQuery } from '../common/page-query.dto';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { RequestNoteDto } from './dto/note-input.dto';
import { NoteRequestDto, PostDto, RequestedPostPageDto } from './dto/note.dto';
import { NoteRequestsService } from './note-requests.service';
import { REVALIDATE } from './post-responses';
import { PROVEN_WRITE_ERRORS } from '../membership/action-proof-errors';
import { POST_REF_ERRORS } from './post-ref-errors';

@ApiTags('notes')
@Controller('communities/:slug/note-requests')
export class NoteRequestsController {
  constructor(private readonly requests: NoteRequestsService) {}

  @Post()
  @ApiOperation({
    summary: 'Request a note on a post, as the pseudonym the proof gives (action note.request)',
    description:
      'One request per pseudonym and post in a community: asking again answers the stored request with 200 and counts nothing. The post need not have notes yet.' +
      SEALED_WRITE_DOC,
  })
  @ApiCreatedResponse({ type: NoteRequestDto, description: 'Recorded; the post counts one more' })
  @ApiOkResponse({
    type: NoteRequestDto,
    description: 'This pseudonym had already requested a note on this post',
  })
  @ApiErrors(...PROVEN_WRITE_ERRORS, ...POST_REF_ERRORS, 'DAILY_QUOTA_EXCEEDED')
  async request(
    @RouteCommunityKey('write') community: CommunityKey,
    @Body() input: RequestNoteDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NoteRequestDto> {
    const { request, postRequestCount, created } = await this.requests.create(community, input);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return NoteRequestDto.from(request, postRequestCount);
  }

  @Get()
  @Header('Cache-Control', REVALIDATE)
  @ApiOperation({
    summary: 'Posts members requested notes on, most requested first: where writers are wanted',
    description:
      "Each with the community's request count and how many notes it has there. Keyset-paginated: pass `nextCursor` as `cursor`. Answers carry an ETag; `If-None-Match` gets 304 while the page is unchanged. Requesters are not listed.",
  })
  @ApiOkResponse({ type: RequestedPostPageDto })
  @ApiErrors('CURSOR_INVALID')
  async requestedPosts(
    @RouteCommunityKey() community: CommunityKey,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<RequestedPostPageDto> {
    const page = await this.requests.requestedPosts(community, limit, cursor);
    return {
      items: page.items.map(({ post, requestCount, noteCount }) => ({
        post: PostDto.from(post, requestCount),
        noteCount,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
