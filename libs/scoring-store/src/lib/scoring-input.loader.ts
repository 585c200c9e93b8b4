import { Injectable } from '@nestjs/common';
import { PrismaService } from '@bridgenotes/database';
import {
  parseTopicSeeds,
  RunInput,
  RunInputBuilder,
  startingStatusHistory,
} from '@bridgenotes/scoring';

/** The scorer's input and the run's counts, time, input and data hashes (see `RunInputBuilder`). */
export type LoadedInput = RunInput;

const BATCH_SIZE = 5_000;

/**
 * Streams a community's notes and ratings from PostgreSQL in keyset-paginated batches straight
 * into the scorer's typed-array input: no object per rating outlives its batch, so memory stays
 * flat however large the community grows. The input and its hash are built by libs/scoring's
 * `RunInputBuilder`, the same code a verifier of the open data runs.
 */
@Injectable()
export class ScoringInputLoader {
  constructor(private readonly prisma: PrismaService) {}

  /** `nowMs` is the run's time: it is part of the input (stabilisation, locking). */
  async load(communityId: string, nowMs: number): Promise<LoadedInput> {
    // §8.6: the community's topic seeds decide which notes Core leaves to CoreWithTopics; the
    // API only stores valid seeds, so an invalid value means a hand-edited row: refuse it.
    const { topicSeeds: stored } = await this.prisma.community.findUniqueOrThrow({
      where: { id: communityId },
      select: { topicSeeds: true },
    });
    const topicSeeds = parseTopicSeeds(stored);
    if (!topicSeeds) throw new Error(`community ${communityId} has invalid topic seeds`);
    const builder = new RunInputBuilder(nowMs, topicSeeds);
    // Notes and ratings are read in separate passes while writes go on: a rating of a note
    // written after the notes pass waits for the next run rather than failing this one.
    for (let after: string | undefined; ;) {
      const notes = await this.prisma.note.findMany({
        where: { communityId, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        select: {
          id: true,
          authorPseudonym: true,
          classification: true,
          postId: true,
          post: { select: { canonicalUrl: true, platform: true, externalId: true } },
          status: true,
          statusHistory: true,
          createdAt: true,
          text: true,
        },
      });
      for (const note of notes) {
        builder.addNote({
          id: note.id,
          authorPseudonym: note.authorPseudonym,
          classification: note.classification,
          createdAtMs: note.createdAt.getTime(),
          postId: note.postId,
          post: note.post,
          history: startingStatusHistory(note.statusHistory, {
            id: note.id,
            authorPseudonym: note.authorPseudonym,
            createdAtMs: note.createdAt.getTime(),
            publishedStatus: note.status,
          }),
          text: note.text,
        });
      }
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
          tags: true,
          clientMinute: true,
        },
      });
      for (const rating of ratings) builder.addRating(rating);
      if (ratings.length < BATCH_SIZE) break;
      after = ratings[ratings.length - 1]?.id;
    }

    return builder.build();
  }
}
