import { Injectable } from '@nestjs/common';
import { Helpfulness, NoteClassification, NoteStatus, PrismaService } from '@bridgenotes/database';
import { HelpfulnessLevel, ScoringInput, ScoringInputBuilder } from '@bridgenotes/scoring';
import { createHash } from 'node:crypto';

export interface LoadedInput {
  input: ScoringInput;
  noteCount: number;
  ratingCount: number;
  /** SHA-256 (hex) over one canonical line per note, then per rating, each in id order. */
  inputHash: string;
}

const BATCH_SIZE = 5_000;

const LEVELS: Record<Helpfulness, HelpfulnessLevel> = {
  [Helpfulness.HELPFUL]: HelpfulnessLevel.Helpful,
  [Helpfulness.SOMEWHAT_HELPFUL]: HelpfulnessLevel.SomewhatHelpful,
  [Helpfulness.NOT_HELPFUL]: HelpfulnessLevel.NotHelpful,
};

/**
 * Streams a community's notes and ratings from PostgreSQL in keyset-paginated batches straight
 * into the scorer's typed-array input: no object per rating outlives its batch, so memory stays
 * flat however large the community grows.
 */
@Injectable()
export class ScoringInputLoader {
  constructor(private readonly prisma: PrismaService) {}

  async load(communityId: string): Promise<LoadedInput> {
    const builder = new ScoringInputBuilder();
    const hash = createHash('sha256');
    // Notes and ratings are read in separate passes while writes go on: a rating of a note
    // written after the notes pass waits for the next run rather than failing this one.
    const loadedNotes = new Set<string>();
    let noteCount = 0;
    let ratingCount = 0;

    for (let after: string | undefined; ;) {
      const notes = await this.prisma.note.findMany({
        where: { communityId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        select: {
          id: true,
          authorPseudonym: true,
          classification: true,
          status: true,
          createdAt: true,
        },
      });
      for (const note of notes) {
        loadedNotes.add(note.id);
        const misleading =
          note.classification === NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING;
        builder.addNote(note.id, {
          authorId: note.authorPseudonym,
          createdAtMs: note.createdAt.getTime(),
          misleading,
          previouslyHelpful: note.status === NoteStatus.CURRENTLY_RATED_HELPFUL,
        });
        hash.update(
          `n\t${note.id}\t${note.authorPseudonym}\t${note.classification}\t${note.createdAt.toISOString()}\n`,
        );
      }
      noteCount += notes.length;
      if (notes.length < BATCH_SIZE) break;
      after = notes[notes.length - 1]?.id;
    }

    for (let after: string | undefined; ;) {
      const ratings = await this.prisma.rating.findMany({
        where: { communityId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        select: {
          id: true,
          noteId: true,
          raterPseudonym: true,
          helpfulness: true,
          clientMinute: true,
        },
      });
      for (const rating of ratings) {
        if (!loadedNotes.has(rating.noteId)) continue;
        ratingCount += 1;
        builder.addRating(
          rating.noteId,
          rating.raterPseudonym,
          LEVELS[rating.helpfulness],
          rating.clientMinute * 60_000,
        );
        hash.update(
          `r\t${rating.noteId}\t${rating.raterPseudonym}\t${rating.helpfulness}\t${rating.clientMinute}\n`,
        );
      }
      if (ratings.length < BATCH_SIZE) break;
      after = ratings[ratings.length - 1]?.id;
    }

    return { input: builder.build(), noteCount, ratingCount, inputHash: hash.digest('hex') };
  }
}
