import { Injectable } from '@nestjs/common';
import type { Prisma } from '@bridgenotes/database';

/**
 * Owns `replaced_ratings`, the replaced versions of ratings that the `ratings_keep_replaced`
 * trigger keeps so that a verifier can rebuild the latest full run, whose frozen raters the
 * incremental runs after it score against (docs/verifiability.md). Only that run is ever
 * rebuilt: once a full run publishes, a version replaced at or before the last batch it read is
 * one no run left to rebuild read, and is dropped.
 */
@Injectable()
export class ReplacedRatingsStore {
  /** In the publication of a full run of the community that read up to `changedThrough`. */
  async purgeReadBy(
    tx: Prisma.TransactionClient,
    communityId: string,
    changedThrough: bigint,
  ): Promise<void> {
    await tx.$executeRaw`
      DELETE FROM replaced_ratings
       WHERE community_id = ${communityId}::uuid AND replaced_batch <= ${changedThrough}`;
  }
}
