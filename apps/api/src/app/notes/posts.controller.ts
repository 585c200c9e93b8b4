import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import { ApiErrors } from '../common/api-errors.decorator';
import { CommunitiesService } from '../communities/communities.service';
import { PostQuery } from './dto/note-params.dto';
import { NoteDto, PostDto, PostNotesDto } from './dto/note.dto';
import { NotesService } from './notes.service';
import { PostResponseCache } from './post-responses';
import { POST_REF_ERRORS } from './post-ref-errors';

@ApiTags('notes')
@Controller('posts')
export class PostsController {
  constructor(
    private readonly communities: CommunitiesService,
    private readonly notes: NotesService,
    private readonly postResponses: PostResponseCache,
  ) {}

  @Get()
  @ApiOperation({
    summary: "A post's notes, by URL (canonicalised) or by platform id; helpful notes first",
    description:
      "With `community`, only that community's notes and requests count; without, every community's. A post that was only requested answers with no notes.",
  })
  @ApiOkResponse({ type: PostNotesDto })
  @ApiErrors('VALIDATION_FAILED', ...POST_REF_ERRORS, 'POST_NOT_FOUND', 'COMMUNITY_NOT_FOUND')
  async post(
    @Query() { community, ...ref }: PostQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The community is optional and in the query, not the route: looked up here.
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
