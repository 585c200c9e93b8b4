import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ReplacedRatingsStore } from './replaced-ratings.store';
import { writeSyntheticCommunity } from './synthetic-community.writer';

/**
 * The `ratings_keep_replaced` trigger keeps every version a later batch replaced, and the purge
 * of a full run's publication drops only those replaced at or before what that run read.
 */
describe('replaced rating versions', () => {
  const run = currentTestRun();
  let prisma: PrismaClient;
  const communityId = randomUUID();

  beforeAll(async () => {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: run.databaseUrl }) });
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `r-${communityId.slice(0, 8)}`,
        name: 'r',
        scope: communityScope(communityId).toString(),
      },
    });
    const writer = new Client({ connectionString: run.databaseUrl });
    await writer.connect();
    try {
      await writeSyntheticCommunity(writer, communityId, {
        seed: 3,
        raters: 20,
        notes: 4,
        ratings: 30,
      });
    } finally {
      await writer.end();
    }
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it('keeps each replaced version with its batches, and purges those read by a full run', async () => {
    const rating = await prisma.rating.findFirstOrThrow({
      where: { communityId },
      orderBy: { id: 'asc' },
    });
    const replace = (minute: number) => prisma.$executeRaw`
      UPDATE ratings SET client_minute = ${minute}, proof = ${JSON.stringify({ minute })}::jsonb
       WHERE id = ${rating.id}::uuid`;
    const batches = [rating.changedBatch];
    for (const minute of [rating.clientMinute + 1, rating.clientMinute + 2]) {
      await replace(minute);
      const { changedBatch } = await prisma.rating.findUniqueOrThrow({ where: { id: rating.id } });
      batches.push(changedBatch);
    }
    // Two replacements in one batch: the version between them was never visible to a run.
    await prisma.$transaction([replace(rating.clientMinute + 3), replace(rating.clientMinute + 4)]);
    const last = await prisma.rating.findUniqueOrThrow({ where: { id: rating.id } });
    batches.push(last.changedBatch);

    const kept = () =>
      prisma.replacedRating.findMany({ where: { communityId }, orderBy: { changedBatch: 'asc' } });
    const versions = await kept();
    expect(
      versions.map(({ clientMinute, changedBatch, replacedBatch }) => [
        clientMinute,
        changedBatch,
        replacedBatch,
      ]),
    ).toEqual([
      [rating.clientMinute, batches[0], batches[1]],
      [rating.clientMinute + 1, batches[1], batches[2]],
      [rating.clientMinute + 2, batches[2], batches[3]],
    ]);
    expect(versions[0]).toMatchObject({
      noteId: rating.noteId,
      raterPseudonym: rating.raterPseudonym,
      helpfulness: rating.helpfulness,
      tags: rating.tags,
      proof: rating.proof,
    });

    // A full run that read up to the second version's batch: the first version is one no run
    // left to rebuild read; the others it (or the next base) may have.
    await new ReplacedRatingsStore().purgeReadBy(prisma, communityId, batches[1] as bigint);
    expect((await kept()).map(({ clientMinute }) => clientMinute)).toEqual([
      rating.clientMinute + 1,
      rating.clientMinute + 2,
    ]);
    await new ReplacedRatingsStore().purgeReadBy(prisma, communityId, last.changedBatch);
    expect(await kept()).toEqual([]);
  });
});
