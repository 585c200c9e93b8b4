import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { OperatorOnly } from '../common/operator-key.guard';
import { ScoringRunPageDto } from './dto/scoring-run-page.dto';
import { PageQuery } from '../common/page-query.dto';
import { CommunitySlugParams } from '../common/slug';
import { ScoringRunIdParams } from './dto/scoring-run-params.dto';
import { ScoringRunDto } from './dto/scoring-run.dto';
import { NoteScoreDto, NoteScorePageDto } from './dto/note-score.dto';
import { ScoringRunsService } from './scoring-runs.service';

@ApiTags('scoring')
@Controller()
export class ScoringRunsController {
  constructor(private readonly scoringRuns: ScoringRunsService) {}

  @Post('communities/:slug/scoring-runs')
  @HttpCode(HttpStatus.ACCEPTED)
  @OperatorOnly()
  @ApiOperation({ summary: 'Request a rescoring of a community now (operator)' })
  @ApiAcceptedResponse({ type: ScoringRunDto, description: 'Queued; poll the run for its outcome' })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'QUEUE_UNAVAILABLE' })
  async request(@Param() { slug }: CommunitySlugParams): Promise<ScoringRunDto> {
    return ScoringRunDto.from(await this.scoringRuns.request(slug));
  }

  @Get('communities/:slug/scoring-runs')
  @ApiOperation({ summary: "A community's scoring runs, newest request first" })
  @ApiOkResponse({ type: ScoringRunPageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, CURSOR_INVALID' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async list(
    @Param() { slug }: CommunitySlugParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<ScoringRunPageDto> {
    const page = await this.scoringRuns.list(slug, limit, cursor);
    return { items: page.items.map(ScoringRunDto.from), nextCursor: page.nextCursor };
  }

  @Get('scoring-runs/:id')
  @ApiOperation({ summary: 'A scoring run: its state, its input figures and its outcome' })
  @ApiOkResponse({ type: ScoringRunDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'SCORING_RUN_NOT_FOUND' })
  async get(@Param() { id }: ScoringRunIdParams): Promise<ScoringRunDto> {
    return ScoringRunDto.from(await this.scoringRuns.get(id));
  }

  @Get('scoring-runs/:id/scores')
  @ApiOperation({
    summary: "A finished run's result for every note it scored",
    description:
      'Kept for the latest SCORE_RETENTION_RUNS runs of each community; older runs answer 410.',
  })
  @ApiOkResponse({ type: NoteScorePageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, CURSOR_INVALID' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'SCORING_RUN_NOT_FOUND' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'SCORING_RUN_NOT_FINISHED' })
  @ApiGoneResponse({ type: ApiErrorBody, description: 'SCORES_PRUNED' })
  async scores(
    @Param() { id }: ScoringRunIdParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<NoteScorePageDto> {
    const page = await this.scoringRuns.scores(id, limit, cursor);
    return { items: page.items.map(NoteScoreDto.from), nextCursor: page.nextCursor };
  }
}
