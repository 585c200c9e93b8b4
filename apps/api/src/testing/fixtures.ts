import { PrismaPg } from '@prisma/adapter-pg';
import { NoteClassification, PrismaClient } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { currentTestRun } from '@bridgenotes/testing';

/**
 * A proof of the right shape that proves nothing (scope 1, no such root): what a request needs
 * to pass validation and reach, or be refused before, the proof check.
 */
export const SHAPED_PROOF = {
  merkleTreeDepth: 20,
  merkleTreeRoot: '1',
  nullifier: '1',
  message: '1',
  scope: '1',
  points: ['1', '2', '3', '4', '5', '6', '7', '8'],
};

/** A note's fields as its author writes them: for one arranged in the database, or proven. */
export const NOTE_FIELDS = {
  classification: NoteClassification.NOT_MISLEADING,
  reasons: ['FACTUALLY_CORRECT'],
  text: 'The photo is from the 2019 flood, as the agency says',
  sources: ['https://example.org/agency'],
};

/** A Prisma client of the test's own, for arranging data and checking what was written. */
export function createTestPrisma(): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: currentTestRun().databaseUrl }),
  });
}

/** A community with `noteCount` notes on one post; the slug is unique to the call. */
export async function createCommunity(
  prisma: PrismaClient,
  noteCount = 0,
): Promise<{ id: string; slug: string }> {
  const slug = `c-${randomUUID().slice(0, 8)}`;
  const id = randomUUID();
  const community = await prisma.community.create({
    data: {
      id,
      slug,
      name: `Community ${slug}`,
      scope: communityScope(id).toString(),
    },
  });
  if (noteCount > 0) {
    const post = await prisma.post.create({
      data: { canonicalUrl: `https://example.com/${slug}` },
    });
    await prisma.note.createMany({
      data: Array.from({ length: noteCount }, (_, index) => ({
        communityId: community.id,
        postId: post.id,
        authorPseudonym: String(1_000 + index),
        classification: NoteClassification.NOT_MISLEADING,
        reasons: ['FACTUALLY_CORRECT'],
        text: `Note ${index}`,
        sources: [],
      })),
    });
  }
  return { id: community.id, slug };
}
