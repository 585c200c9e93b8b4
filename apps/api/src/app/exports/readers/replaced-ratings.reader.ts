import { afterId } from '../export-position';
import { ratingRecord } from './ratings.reader';
import type { StreamReader } from './stream-reader';

/**
 * The replaced versions of ratings kept since the latest full run (`replaced_ratings`), in id
 * order: with them a verifier rebuilds the data that run read, whose frozen raters the
 * incremental runs after it scored against, and checks each version's proof as a rating's.
 */
export const replacedRatingsReader: StreamReader<'replaced-ratings'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.replacedRating.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      take,
    });
    return rows.map((version) => ({
      position: { kind: 'id', id: version.id },
      record: {
        ...ratingRecord(version),
        changedBatch: String(version.changedBatch),
        replacedBatch: String(version.replacedBatch),
      },
    }));
  },
};
