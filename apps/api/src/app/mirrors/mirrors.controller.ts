import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { PageQuery } from '../common/page-query.dto';
import { CreateMirrorDto, FollowMirrorDto, MirrorIdParams } from './dto/mirror-input.dto';
import {
  MirrorDetailDto,
  MirrorDivergenceDto,
  MirrorDto,
  MirrorPullDto,
  MirrorRefusalPageDto,
} from './dto/mirror.dto';
import { MirrorsService } from './mirrors.service';

@ApiTags('mirrors')
@Controller('mirrors')
export class MirrorsController {
  constructor(private readonly mirrors: MirrorsService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Follow a community of another instance (operator)',
    description:
      "Reads the origin's export manifest, creates the community here under the origin's id and scope, and queues a first pull. The worker then pulls every MIRROR_PULL_SECONDS, verifies every record before storing it, and scores the community itself. The mirrored community takes no writes here (409 MIRROR_READ_ONLY): members write at the origin.",
  })
  @ApiCreatedResponse({ type: MirrorDto })
  @ApiErrors('VALIDATION_FAILED', 'COMMUNITY_EXISTS', 'ORIGIN_UNREACHABLE', 'ORIGIN_INVALID')
  async create(@Body() input: CreateMirrorDto): Promise<MirrorDto> {
    return this.mirrors.create(input);
  }

  @Get()
  @ApiOperation({ summary: 'The communities this instance follows, and how their pulls went' })
  @ApiOkResponse({ type: [MirrorDto] })
  async list(): Promise<MirrorDto[]> {
    return this.mirrors.list();
  }

  @Get(':id')
  @ApiOperation({
    summary:
      "A mirror: its pull state, what it holds, its refusals, and whether its statuses match the origin's",
  })
  @ApiOkResponse({ type: MirrorDetailDto })
  @ApiErrors('VALIDATION_FAILED', 'MIRROR_NOT_FOUND')
  async get(@Param() { id }: MirrorIdParams): Promise<MirrorDetailDto> {
    return this.mirrors.get(id);
  }

  @Get(':id/refusals')
  @ApiOperation({
    summary: 'What the mirror refused to store, newest first: which record, which check, why',
    description:
      'Codes are those of `bridgenotes verify` (docs/verifiability.md), plus MEMBER_INVALID, MEMBER_DUPLICATE, NOTE_CHANGED, DELETION_UNDONE, DELETION_CHANGED, RATING_CHANGED, RATING_OUTDATED, RATING_OF_REFUSED_NOTE and RECORD_INVALID; and, for an entry of the origin moderation log (subject `moderation <seq>`) left waiting because it names a note the mirror refused, ENTRY_NOTE_REFUSED (recorded each pull it still waits, removed once it is copied; nothing after it is copied until the origin serves the note valid).',
  })
  @ApiOkResponse({ type: MirrorRefusalPageDto })
  @ApiErrors('VALIDATION_FAILED', 'CURSOR_INVALID', 'MIRROR_NOT_FOUND')
  async refusals(
    @Param() { id }: MirrorIdParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<MirrorRefusalPageDto> {
    const page = await this.mirrors.refusals(id, limit, cursor);
    return {
      items: page.items.map((refusal) => ({
        stream: refusal.stream,
        subject: refusal.subject,
        code: refusal.code,
        message: refusal.message,
        firstSeenAt: refusal.firstSeenAt.toISOString(),
        lastSeenAt: refusal.lastSeenAt.toISOString(),
        times: refusal.times,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id/divergence')
  @ApiOperation({
    summary: "Notes whose status here differs from the origin's, each side's latest run compared",
    description:
      "The mirror scores the community with its own algorithm; this compares its latest succeeded run with the origin's latest one whose statuses it fetched. `sameInput` says whether both runs scored the same notes and ratings (equal data hashes; input hashes never match across instances, as they cover each side's run time, histories and post ids). Runs at different times can differ on a new helpful note held back by stabilisation on one side for up to an hour: `cause` HISTORY (statuses equal before stabilisation), as opposed to SCORES; `disagreeing` counts the latter.",
  })
  @ApiOkResponse({ type: MirrorDivergenceDto })
  @ApiErrors('VALIDATION_FAILED', 'CURSOR_INVALID', 'MIRROR_NOT_FOUND')
  async divergence(
    @Param() { id }: MirrorIdParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<MirrorDivergenceDto> {
    return this.mirrors.divergence(id, limit, cursor);
  }

  @Post(':id/pull')
  @OperatorOnly()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Pull from the origin now rather than at the next interval (operator)' })
  @ApiAcceptedResponse({ type: MirrorPullDto })
  @ApiErrors('VALIDATION_FAILED', 'MIRROR_NOT_FOUND', 'MIRROR_STOPPED', 'QUEUE_UNAVAILABLE')
  async pull(@Param() { id }: MirrorIdParams): Promise<MirrorPullDto> {
    await this.mirrors.pullNow(id);
    return { queued: true };
  }

  @Post(':id/follow')
  @OperatorOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Follow a stopped mirror again, from its origin or another URL serving it (operator)',
    description:
      "Clears `stoppedAt` and queues a pull. `origin` (and `community`) point the mirror at another base URL serving the same community: the origin moved, or a saved export of it is served with `bridgenotes serve` (its cursors are the origin's, so the pull resumes where it stopped). The manifest there must name the same community id, and state the promotion (or none) the mirror's last complete pull read: a promotion it never read is another instance's numbering (409 ORIGIN_LINEAGE_CHANGED); and its changeHorizon must not be below one the mirror already read under (409 ORIGIN_BEHIND: an older export). Refused once promoted.",
  })
  @ApiOkResponse({ type: MirrorDto })
  @ApiErrors(
    'VALIDATION_FAILED',
    'MIRROR_NOT_FOUND',
    'MIRROR_PROMOTED',
    'ORIGIN_UNREACHABLE',
    'ORIGIN_INVALID',
    'ORIGIN_LINEAGE_CHANGED',
    'ORIGIN_BEHIND',
  )
  async follow(
    @Param() { id }: MirrorIdParams,
    @Body() input: FollowMirrorDto,
  ): Promise<MirrorDto> {
    return this.mirrors.follow(id, input);
  }

  @Post(':id/promote')
  @OperatorOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Make a stopped mirror's community one of this instance's, which then takes writes (operator)",
    description:
      "For leaving an operator (docs/verifiability.md, \"Leaving an operator\"): the community keeps its id and scope, its group and root history continue from what the mirror verified, so members' identities and proofs work here as at the origin; new members join by this instance's admission settings (set them with PATCH /communities/{slug}: invite codes, tickets and credential accounts stayed with the old operator); scoring goes on from the imported data. Only a mirror no longer followed (409 MIRROR_FOLLOWING) whose last pull ran to its end with nothing stored since (409 MIRROR_PULL_INCOMPLETE: follow again until a pull finishes), and whose moderation log names no note it lacks (409 MIRROR_LOG_INCOMPLETE). The promotion (origin, root, tree size, change horizons) is recorded in `promotion` and in the community's export manifest. Cannot be undone.",
  })
  @ApiOkResponse({ type: MirrorDto })
  @ApiErrors(
    'VALIDATION_FAILED',
    'MIRROR_NOT_FOUND',
    'MIRROR_FOLLOWING',
    'MIRROR_PROMOTED',
    'MIRROR_PULL_INCOMPLETE',
    'MIRROR_LOG_INCOMPLETE',
  )
  async promote(@Param() { id }: MirrorIdParams): Promise<MirrorDto> {
    return this.mirrors.promote(id);
  }

  @Delete(':id')
  @OperatorOnly()
  @ApiOperation({
    summary:
      'Stop following (operator); the community and what was pulled stay and are served (POST /mirrors/{id}/follow resumes, /promote makes it writable here)',
  })
  @ApiOkResponse({ type: MirrorDto })
  @ApiErrors('VALIDATION_FAILED', 'MIRROR_NOT_FOUND')
  async stop(@Param() { id }: MirrorIdParams): Promise<MirrorDto> {
    return this.mirrors.stop(id);
  }
}
