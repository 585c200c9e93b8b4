import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { PageQuery } from '../common/page-query.dto';
import { RouteCommunity } from '../communities/route-community.decorator';
import { ScoringRunPageDto } from './dto/scoring-run-page.dto';
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
  @ApiErrors('QUEUE_UNAVAILABLE')
  async request(@RouteCommunity() community: Community): Promise<ScoringRunDto> {
    return ScoringRunDto.from(await this.scoringRuns.request(community));
  }

  @Get('communities/:slug/scoring-runs')
  @ApiOperation({ summary: "A community's scoring runs, newest request first" })
  @ApiOkResponse({ type: ScoringRunPageDto })
  @ApiErrors('CURSOR_INVALID')
  async list(
    @RouteCommunity() community: Community,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<ScoringRunPageDto> {
    const page = await this.scoringRuns.list(community, limit, cursor);
    return { items: page.items.map(ScoringRunDto.from), nextCursor: page.nextCursor };
  }

  @Get('scoring-runs/:id')
  @ApiOperation({ summary: 'A scoring run: its state, its input figures and its outcome' })
  @ApiOkResponse({ type: ScoringRunDto })
  @ApiErrors('VALIDATION_FAILED', 'SCORING_RUN_NOT_FOUND')
  async get(@Param() { id }: ScoringRunIdParams): Promise<ScoringRunDto> {
    return ScoringRunDto.from(await this.scoringRuns.get(id));
  }

  @Get('scoring-runs/:id/scores')
  @ApiOperation({
    summary: "A finished run's result for every note it scored",
    description:
      'Kept for the latest SCORE_RETENTION_RUNS full runs of each community and every incremental run after the oldest of them; older runs answer 410.',
  })
  @ApiOkResponse({ type: NoteScorePageDto })
  @ApiErrors(
    'VALIDATION_FAILED',
    'CURSOR_INVALID',
    'SCORING_RUN_NOT_FOUND',
    'SCORING_RUN_NOT_FINISHED',
    'SCORES_PRUNED',
  )
  async scores(
    @Param() { id }: ScoringRunIdParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<NoteScorePageDto> {
    const page = await this.scoringRuns.scores(id, limit, cursor);
    return { items: page.items.map(NoteScoreDto.from), nextCursor: page.nextCursor };
  }
}
