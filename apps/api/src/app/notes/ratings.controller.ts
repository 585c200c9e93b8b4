import { Body, Controller, HttpStatus, Param, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { ApiErrors } from '../common/api-errors.decorator';
import { SEALED_WRITE_DOC } from '../sealing/sealed-write-docs';
import type { CommunityKey } from '../communities/communities.service';
import { RouteCommunityKey } from '../communities/route-community.decorator';
import { PutRatingDto } from './dto/note-input.dto';
import { NoteParams } from './dto/note-params.dto';
import { RatingDto } from './dto/note.dto';
import { PROVEN_WRITE_ERRORS } from '../membership/action-proof-errors';
import { RatingsService } from './ratings.service';

@ApiTags('notes')
@Controller('communities/:slug/notes/:id/rating')
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  @Put()
  @ApiOperation({
    summary: 'Rate a note, or change your rating (action rating.put, target note:<id>)',
    description:
      "A later clientMinute replaces your rating; the same rating again changes nothing (200); anything else is 409 RATING_OUTDATED, whose `details.storedClientMinute` is the minute to prove the choice after. A clientMinute no later than your sealed rating's (the one reads and the export show) is compared with that rating alone, never with your ratings still waiting for their batch: anyone may replay an exported proof while its minute is current, and its answer must not tell when you rated again. So, while a newer rating of yours waits, the sealed one sent again is still 200 and an older one 409 naming the sealed minute; a change proven with the minute after it is compared with the waiting ratings too, and may be refused once more, naming the newest." +
      SEALED_WRITE_DOC,
  })
  @ApiCreatedResponse({
    type: RatingDto,
    description: 'First rating of this note by this pseudonym',
  })
  @ApiOkResponse({
    type: RatingDto,
    description:
      'Replaced; or unchanged for an exact replay of the sealed rating, or of a later one still waiting to be sealed (a replay of the sealed one is unchanged even while a newer rating waits, which replaces it when sealed)',
  })
  @ApiErrors(
    ...PROVEN_WRITE_ERRORS,
    'TAGS_INVALID',
    'SELF_RATING',
    'NOTE_NOT_FOUND',
    'RATING_OUTDATED',
    'NOTE_DELETED',
  )
  async rate(
    @RouteCommunityKey('write') community: CommunityKey,
    @Param() { id }: NoteParams,
    @Body() input: PutRatingDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RatingDto> {
    const { rating, outcome } = await this.ratings.put(community, id, input);
    response.status(outcome === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return RatingDto.from(rating);
  }
}
