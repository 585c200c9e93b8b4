import { Injectable } from '@nestjs/common';
import { Community, PrismaService } from '@bridgenotes/database';
import {
  ENROLLMENT_TSV_HEADER,
  enrollmentTsvLine,
  noteTsvLine,
  NOTES_TSV_HEADER,
  type RatingRecord,
  postIdOf,
  RATINGS_TSV_HEADER,
  ratingTsvLine,
  STATUS_HISTORY_TSV_HEADER,
  statusHistoryTsvLine,
  storedStatusHistoryTsvLine,
} from '@bridgenotes/open-data';
import { statusHistoryFromJson } from '@bridgenotes/scoring';

import type { TsvFile } from './dto/export-query.dto';
import { ExportsService } from './exports.service';

const BATCH = 500;

/** `records` in arrays of at most `size`, in order. */
async function* inBatches<T>(records: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The community's data as Community Notes' TSV files, for their tools and analyses. */
@Injectable()
export class CommunityNotesTsvWriter {
  constructor(
    private readonly prisma: PrismaService,
    private readonly exports: ExportsService,
  ) {}

  /** The post id (Community Notes' tweetId) of each rated note of `ratings`, by note id. */
  private async postIdsOf(
    community: Community,
    ratings: readonly RatingRecord[],
  ): Promise<Map<string, string>> {
    const notes = await this.prisma.note.findMany({
      where: { communityId: community.id, id: { in: [...new Set(ratings.map((r) => r.noteId))] } },
      select: {
        id: true,
        post: { select: { canonicalUrl: true, platform: true, externalId: true } },
      },
    });
    return new Map(notes.map((note) => [note.id, postIdOf(note.post)]));
  }

  /** A Community Notes TSV file of the community, header first, streamed in batches. */
  async *lines(community: Community, file: TsvFile): AsyncGenerator<string> {
    switch (file) {
      case 'notes':
        yield NOTES_TSV_HEADER;
        for await (const note of this.exports.records(
          community,
          'notes',
          undefined,
          Number.MAX_SAFE_INTEGER,
        )) {
          yield noteTsvLine(note);
        }
        return;
      case 'ratings': {
        yield RATINGS_TSV_HEADER;
        // The posts of each batch's notes, asked once a batch: a map of every note's post, made
        // first, held the whole community's notes in memory for each download.
        const ratings = this.exports.records(
          community,
          'ratings',
          undefined,
          Number.MAX_SAFE_INTEGER,
        );
        for await (const batch of inBatches(ratings, BATCH)) {
          const postIds = await this.postIdsOf(community, batch);
          for (const rating of batch) yield ratingTsvLine(rating, postIds.get(rating.noteId) ?? '');
        }
        return;
      }
      case 'user-enrollment':
        yield ENROLLMENT_TSV_HEADER;
        // Every author and rater, each once, in pseudonym order.
        for (let after = ''; ;) {
          const rows = await this.prisma.$queryRaw<{ pseudonym: string }[]>`
            SELECT pseudonym FROM (
              SELECT rater_pseudonym AS pseudonym FROM ratings WHERE community_id = ${community.id}::uuid
              UNION
              SELECT author_pseudonym FROM notes WHERE community_id = ${community.id}::uuid
            ) AS participants
             WHERE pseudonym > ${after}
             ORDER BY pseudonym
             LIMIT ${BATCH}`;
          for (const { pseudonym } of rows) yield enrollmentTsvLine(pseudonym);
          if (rows.length < BATCH) return;
          after = rows[rows.length - 1]?.pseudonym as string;
        }
      case 'note-status-history':
        yield STATUS_HISTORY_TSV_HEADER;
        for (let after: string | undefined; ;) {
          const notes = await this.prisma.note.findMany({
            where: { communityId: community.id, ...(after ? { id: { gt: after } } : {}) },
            orderBy: { id: 'asc' },
            select: {
              id: true,
              authorPseudonym: true,
              createdAt: true,
              status: true,
              statusHistory: true,
              statusChanges: { orderBy: { id: 'asc' }, select: { next: true, changedAt: true } },
            },
            take: BATCH,
          });
          for (const note of notes) {
            // The row the scorer keeps between runs; notes no run has given one yet (or only a
            // run of an algorithm before it was kept) get one rebuilt from their status changes.
            const stored = statusHistoryFromJson(note.statusHistory);
            yield stored
              ? storedStatusHistoryTsvLine(stored)
              : statusHistoryTsvLine(
                  { ...note, createdAt: note.createdAt.toISOString() },
                  note.statusChanges.map((change) => ({
                    next: change.next,
                    changedAt: change.changedAt.toISOString(),
                  })),
                );
          }
          if (notes.length < BATCH) return;
          after = notes[notes.length - 1]?.id;
        }
    }
  }
}
