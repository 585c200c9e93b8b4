import type { Rating } from '@bridgenotes/database';
import type { RatingRecord } from '@bridgenotes/open-data';
import type { ProofJson } from '@bridgenotes/protocol';

import { afterId, CHANGE_ORDER, changedAfter, changePositioned } from '../export-position';
import type { ChangeStreamReader } from './stream-reader';

/** A rating as exported; also a replaced version's fields (`replaced-ratings.reader.ts`). */
export function ratingRecord(rating: Omit<Rating, 'communityId'>): RatingRecord {
  return {
    cursor: rating.id,
    id: rating.id,
    noteId: rating.noteId,
    raterPseudonym: rating.raterPseudonym,
    helpfulness: rating.helpfulness,
    tags: rating.tags,
    clientMinute: rating.clientMinute,
    proof: rating.proof as unknown as ProofJson,
    changedBatch: String(rating.changedBatch),
  };
}

/** Ratings in id order or in change order. */
export const ratingsReader: ChangeStreamReader<'ratings'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.rating.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      take,
    });
    return rows.map((rating) => ({
      position: { kind: 'id', id: rating.id },
      record: ratingRecord(rating),
    }));
  },

  async changes(prisma, communityId, after, take, below) {
    const rows = await prisma.rating.findMany({
      where: changedAfter(communityId, after, below),
      orderBy: CHANGE_ORDER,
      take,
    });
    return rows.map((rating) =>
      changePositioned(rating.changedBatch, rating.id, ratingRecord(rating)),
    );
  },
};
