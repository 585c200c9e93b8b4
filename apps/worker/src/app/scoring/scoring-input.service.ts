import { Injectable } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import { createHash } from 'node:crypto';

export interface ScoringInputSummary {
  noteCount: number;
  /** SHA-256 (hex) over the community's notes, one canonical line each, in id order. */
  inputHash: string;
}

const BATCH_SIZE = 1_000;

/**
 * Reads a community's scoring input from PostgreSQL in keyset-paginated batches, so memory stays
 * flat however large the community grows, and fingerprints it.
 */
@Injectable()
export class ScoringInputService {
  constructor(private readonly prisma: PrismaService) {}

  async summarise(communityId: string): Promise<ScoringInputSummary> {
    const hash = createHash('sha256');
    let noteCount = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.prisma.note.findMany({
        where: { communityId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        select: {
          id: true,
          postId: true,
          authorPseudonym: true,
          classification: true,
          createdAt: true,
          deletedAt: true,
        },
      });
      for (const note of batch) {
        hash.update(
          [
            note.id,
            note.postId,
            note.authorPseudonym,
            note.classification,
            note.createdAt.toISOString(),
            note.deletedAt?.toISOString() ?? '',
          ].join('\t') + '\n',
        );
      }
      noteCount += batch.length;
      if (batch.length < BATCH_SIZE) break;
      after = batch[batch.length - 1].id;
    }
    return { noteCount, inputHash: hash.digest('hex') };
  }
}
