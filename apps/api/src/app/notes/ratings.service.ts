import { Injectable } from '@nestjs/common';
import { Helpfulness, PrismaService, Rating, ScoringOutbox } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';
import { ActionProofsService } from '../membership/action-proofs.service';
import { PutRatingDto } from './dto/note-input.dto';
import { checkRatingTags } from './note-rules';
import { noteNotFound } from './notes.service';

export type RatingOutcome = 'created' | 'replaced' | 'unchanged';

/** What a rating answer shows. */
export type StoredRating = Pick<
  Rating,
  'noteId' | 'raterPseudonym' | 'helpfulness' | 'tags' | 'clientMinute'
>;

@Injectable()
export class RatingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly proofs: ActionProofsService,
  ) {}

  /**
   * One rating per pseudonym and note, ordered by client minute (docs/protocol.md, "The order of
   * a member's ratings"): a later minute replaces the stored rating, the exact same rating again
   * changes nothing. Anything else is an older choice (a replay, or a device that does not know
   * the newer rating): refused with the stored minute, so a client re-proves its choice with the
   * minute after it. Ties are never broken by arrival: proofs are public, and anyone could
   * replay an older proof of the same minute. Decided by one atomic upsert, so concurrent
   * submissions cannot store two.
   */
  async put(
    community: CommunityKey,
    noteId: string,
    input: PutRatingDto,
  ): Promise<{ rating: StoredRating; outcome: RatingOutcome }> {
    const note = await this.prisma.note.findFirst({
      where: { id: noteId, communityId: community.id, hidden: false },
      select: { id: true, authorPseudonym: true, deletedAt: true },
    });
    if (!note) throw noteNotFound(community, noteId);
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
      throw ApiError.of('SELF_RATING');
    }
    if (note.deletedAt) {
      throw ApiError.of('NOTE_DELETED');
    }

    // One statement, so one round trip and atomic without a transaction: the upsert, its outbox
    // row (only when it wrote), and the rating as it now stands. When the upsert wrote nothing,
    // the stored rating comes from the statement's snapshot; it is missing only if a concurrent
    // submission inserted it after that snapshot, and is then read again below.
    const [row] = await this.prisma.$queryRaw<
      (StoredRating & { outcome: 'created' | 'replaced' | 'stored' })[]
    >`
      WITH written AS (
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
        VALUES (${randomUUID()}::uuid, ${community.id}::uuid, ${note.id}::uuid, ${pseudonym},
                ${input.helpfulness}::"Helpfulness", ${input.tags}::varchar[], ${input.clientMinute},
                ${JSON.stringify(input.proof)}::jsonb)
        ON CONFLICT (note_id, rater_pseudonym) DO UPDATE
          SET helpfulness = excluded.helpfulness, tags = excluded.tags,
              client_minute = excluded.client_minute, proof = excluded.proof
          WHERE ratings.client_minute < excluded.client_minute
        RETURNING note_id, rater_pseudonym, helpfulness, tags, client_minute, (xmax = 0) AS inserted
      ), outbox AS (${this.outbox.recordPerRow(community.id, 'rating.put', 'written')})
      SELECT note_id AS "noteId", rater_pseudonym AS "raterPseudonym",
             helpfulness::text AS helpfulness, tags, client_minute AS "clientMinute",
             CASE WHEN inserted THEN 'created' ELSE 'replaced' END AS outcome
        FROM written
      UNION ALL
      SELECT note_id, rater_pseudonym, helpfulness::text, tags, client_minute, 'stored'
        FROM ratings
       WHERE note_id = ${note.id}::uuid AND rater_pseudonym = ${pseudonym}
         AND NOT EXISTS (SELECT 1 FROM written)`;

    if (row && row.outcome !== 'stored') return { rating: row, outcome: row.outcome };
    const stored =
      row ??
      (await this.prisma.rating.findUniqueOrThrow({
        where: { noteId_raterPseudonym: { noteId: note.id, raterPseudonym: pseudonym } },
      }));
    if (isSameRating(stored, input)) return { rating: stored, outcome: 'unchanged' };
    throw new ApiError(
      'RATING_OUTDATED',
      `Your rating of this note stored at clientMinute ${stored.clientMinute} is as new as this one or newer: ` +
        `prove the new choice with clientMinute ${stored.clientMinute + 1} (nextRatingMinute in @bridgenotes/protocol)`,
      { storedClientMinute: stored.clientMinute },
    );
  }
}

function isSameRating(
  stored: StoredRating,
  input: { helpfulness: Helpfulness; tags: string[]; clientMinute: number },
): boolean {
  return (
    stored.clientMinute === input.clientMinute &&
    stored.helpfulness === input.helpfulness &&
    stored.tags.length === input.tags.length &&
    stored.tags.every((tag, index) => tag === input.tags[index])
  );
}
