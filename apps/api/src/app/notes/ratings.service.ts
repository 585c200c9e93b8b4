import { Injectable } from '@nestjs/common';
import {
  Helpfulness,
  lockNoteForRating,
  Prisma,
  PrismaService,
  Rating,
  ScoringOutbox,
} from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';
import { ActionProofsService } from '../membership/action-proofs.service';
import { Sealer } from '../sealing/sealer.service';
import { type SealedEntry, WriteBuffer } from '../sealing/write-buffer.service';
import { PutRatingDto } from './dto/note-input.dto';
import { checkRatingTags } from './note-rules';
import { deletionKey, noteNotFound } from './notes.service';

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
    private readonly buffer: WriteBuffer,
    private readonly sealer: Sealer,
  ) {
    buffer.register<BufferedRating>('rating', (tx, entries) => this.seal(tx, entries));
  }

  /**
   * One rating per pseudonym and note, ordered by client minute (docs/protocol.md, "The order of
   * a member's ratings"): a later minute replaces the stored rating, the exact same rating again
   * changes nothing. Anything else is an older choice (a replay, or a device that does not know
   * the newer rating): refused with the stored minute, so a client re-proves its choice with the
   * minute after it. Ties are never broken by arrival: proofs are public, and anyone could
   * replay an older proof of the same minute. The rating goes through the write buffer
   * (docs/threat-model.md): the answer carries it as it will be stored. A minute no later than
   * the sealed rating's is compared with that rating alone, never with the member's ratings
   * still waiting: a replay of the sealed rating is answered unchanged, and an older one refused
   * with the sealed minute, whether or not a newer rating waits (a change of the member's then
   * learns of it at its next try, with the minute after the sealed one).
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

    const rating: StoredRating = {
      noteId: note.id,
      raterPseudonym: pseudonym,
      helpfulness: input.helpfulness,
      tags: input.tags,
      clientMinute: input.clientMinute,
    };
    let outcome = 'created' as RatingOutcome;
    // Decided against the stored rating and, for a minute later than it, those waiting to be
    // sealed, one submission of this member for this note at a time; the sealing upsert keeps
    // the latest minute whatever the order a batch stores them in.
    await this.buffer.submit(
      `rating:${note.id}:${pseudonym}`,
      async (tx) => {
        await this.refuseIfGone(tx, community, note.id);
        const stored = await tx.rating.findUnique({
          where: { noteId_raterPseudonym: { noteId: note.id, raterPseudonym: pseudonym } },
          select: {
            noteId: true,
            raterPseudonym: true,
            helpfulness: true,
            tags: true,
            clientMinute: true,
          },
        });
        // A minute no later than the stored rating's is decided by the stored rating alone:
        // anyone may send it, replaying an exported proof (the stored one, or one it replaced)
        // while its minute is within CLOCK_SKEW_MINUTES, and an answer that looked at the
        // waiting ratings would tell them when the member rated again, before the batch was
        // sealed (docs/threat-model.md). A later minute has no exported proof: only the member
        // sends one, and learns only of their own waiting ratings.
        const unsealed =
          stored && input.clientMinute <= stored.clientMinute
            ? []
            : await this.buffer.waiting<BufferedRating>(
                tx,
                community.id,
                'rating',
                `r:${note.id}:${pseudonym}:`,
              );
        const latest = [...(stored ? [stored] : []), ...unsealed.map(toStored)].reduce<
          StoredRating | undefined
        >((a, b) => (a === undefined || b.clientMinute > a.clientMinute ? b : a), undefined);
        if (!latest || latest.clientMinute < input.clientMinute) {
          // Only a rating that would be buffered learns of a deletion waiting for its batch: a
          // replayed exported proof is decided above by the stored rating alone, and an answer
          // that changed when the author deleted would give anyone the deletion's time before
          // its batch is sealed (docs/threat-model.md).
          await this.refuseIfDeletionWaits(tx, community, note.id);
          if (latest) outcome = 'replaced';
          return;
        }
        if (isSameRating(latest, input)) {
          outcome = 'unchanged';
          return false;
        }
        throw new ApiError(
          'RATING_OUTDATED',
          `Your rating of this note stored at clientMinute ${latest.clientMinute} is as new as this one or newer: ` +
            `prove the new choice with clientMinute ${latest.clientMinute + 1} (nextRatingMinute in @bridgenotes/protocol)`,
          { storedClientMinute: latest.clientMinute },
        );
      },
      {
        communityId: community.id,
        kind: 'rating',
        actor: pseudonym,
        dedupeKey: `r:${note.id}:${pseudonym}:${input.clientMinute}`,
        payload: { ...rating, proof: input.proof } satisfies BufferedRating,
      },
    );
    if (outcome !== 'unchanged') await this.sealer.afterSubmit(community.id);
    return { rating, outcome };
  }

  /**
   * The note checked again where the rating is buffered: the proof check before it takes seconds,
   * during which the author may delete the note or a moderator hide it, and a note so taken back
   * takes no new ratings (docs/protocol.md, docs/moderation.md); a deletion takes it back from its
   * answer on, while it waits for its batch too (`refuseIfDeletionWaits`, for a rating that would
   * be buffered). The note's change lock, shared here and taken
   * alone by a deletion's submission, a hide or redaction (`lockNoteForRating`), makes the two
   * wait for each other, so a rating is either buffered before the change commits or refused
   * after it; answered as the first check does.
   */
  private async refuseIfGone(
    tx: Prisma.TransactionClient,
    community: CommunityKey,
    noteId: string,
  ) {
    await lockNoteForRating(tx, noteId);
    const [note] = await tx.$queryRaw<{ deleted: boolean; hidden: boolean }[]>`
      SELECT deleted_at IS NOT NULL AS deleted, hidden FROM notes WHERE id = ${noteId}::uuid`;
    if (!note || note.hidden) throw noteNotFound(community, noteId);
    if (note.deleted) throw ApiError.of('NOTE_DELETED');
  }

  /** A deletion answered and waiting for its batch takes the note out of rating as one stored. */
  private async refuseIfDeletionWaits(
    tx: Prisma.TransactionClient,
    community: CommunityKey,
    noteId: string,
  ) {
    const deletions = await this.buffer.waiting(tx, community.id, 'deletion', deletionKey(noteId));
    if (deletions.length > 0) throw ApiError.of('NOTE_DELETED');
  }

  /**
   * Stores a batch's ratings: one statement per rating, the upsert that keeps the latest minute
   * and its outbox row only when it wrote, so the batch's order decides nothing. A rating of a
   * note deleted or hidden since it was buffered is stored all the same: it was answered 201 while
   * the note still took ratings (`refuseIfGone` keeps any from being buffered after), and such a
   * note keeps its ratings and stays scored; only the batch that stores it comes later.
   */
  private async seal(tx: Prisma.TransactionClient, entries: SealedEntry<BufferedRating>[]) {
    for (const { communityId, payload: rating } of entries) {
      await tx.$executeRaw`
        WITH written AS (
          INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
          VALUES (${randomUUID()}::uuid, ${communityId}::uuid, ${rating.noteId}::uuid,
                  ${rating.raterPseudonym}, ${rating.helpfulness}::"Helpfulness",
                  ${rating.tags}::varchar[], ${rating.clientMinute}, ${JSON.stringify(rating.proof)}::jsonb)
          ON CONFLICT (note_id, rater_pseudonym) DO UPDATE
            SET helpfulness = excluded.helpfulness, tags = excluded.tags,
                client_minute = excluded.client_minute, proof = excluded.proof
            WHERE ratings.client_minute < excluded.client_minute
          RETURNING 1
        ) ${this.outbox.recordPerRow(communityId, 'rating.put', 'written')}`;
    }
  }
}

/** A rating waiting in the write buffer: what it will store. */
type BufferedRating = StoredRating & { proof: unknown };

const toStored = ({ proof: _proof, ...rating }: BufferedRating): StoredRating => rating;

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
