import { HttpStatus, Injectable } from '@nestjs/common';
import { Community, Helpfulness, PrismaService, Rating } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { ActionProofsService } from '../membership/action-proofs.service';
import { PutRatingDto } from './dto/note-input.dto';
import { checkRatingTags } from './note-rules';
import { NotesService } from './notes.service';

export type RatingOutcome = 'created' | 'replaced' | 'unchanged';

@Injectable()
export class RatingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proofs: ActionProofsService,
    private readonly notes: NotesService,
  ) {}

  /**
   * One rating per pseudonym and note. A later client minute replaces the stored rating, the
   * exact same rating again changes nothing, anything else is refused. Decided by one atomic
   * upsert, so concurrent submissions cannot store two.
   */
  async put(
    community: Community,
    noteId: string,
    input: PutRatingDto,
  ): Promise<{ rating: Rating; outcome: RatingOutcome }> {
    const note = await this.notes.get(community, noteId);
    checkRatingTags(input.helpfulness, input.tags);
    const pseudonym = await this.proofs.verify(
      community,
      {
        kind: 'rating.put',
        target: `note:${note.id}`,
        payload: { helpfulness: input.helpfulness, tags: input.tags },
        clientMinute: input.clientMinute,
      },
      input.proof,
    );
    if (pseudonym === note.authorPseudonym) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'SELF_RATING',
        'Authors cannot rate their own notes',
      );
    }
    if (note.deletedAt) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'NOTE_DELETED',
        'This note was deleted by its author and takes no new ratings',
      );
    }

    const written = await this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
        VALUES (${randomUUID()}::uuid, ${community.id}::uuid, ${note.id}::uuid, ${pseudonym},
                ${input.helpfulness}::"Helpfulness", ${input.tags}::varchar[], ${input.clientMinute},
                ${JSON.stringify(input.proof)}::jsonb)
        ON CONFLICT (note_id, rater_pseudonym) DO UPDATE
          SET helpfulness = excluded.helpfulness, tags = excluded.tags,
              client_minute = excluded.client_minute, proof = excluded.proof
          WHERE ratings.client_minute < excluded.client_minute
        RETURNING id, (xmax = 0) AS inserted`;
      if (row)
        await tx.scoringEvent.create({ data: { communityId: community.id, kind: 'rating.put' } });
      return row;
    });

    const rating = await this.prisma.rating.findUniqueOrThrow({
      where: { noteId_raterPseudonym: { noteId: note.id, raterPseudonym: pseudonym } },
    });
    if (written) return { rating, outcome: written.inserted ? 'created' : 'replaced' };
    if (isSameRating(rating, input)) return { rating, outcome: 'unchanged' };
    throw new ApiError(
      HttpStatus.CONFLICT,
      'RATING_OUTDATED',
      'A rating of this note with the same or a later clientMinute is already stored',
    );
  }
}

function isSameRating(
  stored: Rating,
  input: { helpfulness: Helpfulness; tags: string[]; clientMinute: number },
): boolean {
  return (
    stored.clientMinute === input.clientMinute &&
    stored.helpfulness === input.helpfulness &&
    stored.tags.length === input.tags.length &&
    stored.tags.every((tag, index) => tag === input.tags[index])
  );
}
