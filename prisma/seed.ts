// Seeds a demo community with a few posts and notes, once: a database that already has the demo
// community is left as it is. Run by `npm start` and `npm run db:seed`.
//
// The demo authors are fixed example pseudonyms, not nullifiers of real proofs: demo notes are
// marked by their community and are not part of any verifiable export.
import { PrismaPg } from '@prisma/adapter-pg';

import { randomUUID } from 'node:crypto';

import { NoteClassification, PrismaClient } from '../libs/database/src/generated/prisma/client';
import { communityScope } from '../libs/protocol/src/lib/hashing';

const DEMO_SLUG = 'demo';

const POSTS = [
  {
    canonicalUrl: 'https://example.com/news/2026/11/city-bridge-closed',
    notes: [
      {
        authorPseudonym: '1001',
        classification: NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
        reasons: ['MISSING_IMPORTANT_CONTEXT'],
        text: 'The bridge is closed to cars only; the footpath stays open during the repairs, per the city notice.',
        sources: ['https://example.org/city/notices/bridge-repairs'],
      },
    ],
  },
  {
    platform: 'mastodon',
    externalId: '113456789012345678',
    notes: [
      {
        authorPseudonym: '1002',
        classification: NoteClassification.NOT_MISLEADING,
        reasons: ['CLEARLY_SATIRE'],
        text: 'This is from a satire account, and its profile says so.',
        sources: [],
      },
      {
        authorPseudonym: '1003',
        classification: NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
        reasons: ['FACTUAL_ERROR', 'UNVERIFIED_CLAIM_AS_FACT'],
        text: 'The quoted figure is from 2019; the 2026 report gives a third of it.',
        sources: ['https://example.org/reports/2026-annual'],
      },
    ],
  },
];

async function main(): Promise<void> {
  const connectionString = process.env['DATABASE_URL'];
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  try {
    if (await prisma.community.findUnique({ where: { slug: DEMO_SLUG } })) {
      console.log('demo community already present; nothing seeded');
      return;
    }
    await prisma.$transaction(async (tx) => {
      const id = randomUUID();
      const community = await tx.community.create({
        data: {
          id,
          scope: communityScope(id).toString(),
          admission: 'OPEN',
          slug: DEMO_SLUG,
          name: 'Demo community',
          description: 'Example data seeded on first start. Safe to delete.',
          // A demo is tried by new members: they write at once instead of earning in first.
          earnInImpact: 0,
        },
      });
      for (const { notes, ...post } of POSTS) {
        const { id: postId } = await tx.post.create({ data: post });
        await tx.note.createMany({
          data: notes.map((note) => ({ ...note, communityId: community.id, postId })),
        });
      }
    });
    console.log(`seeded community "${DEMO_SLUG}" with ${POSTS.length} posts`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`seeding failed: ${error.message}`);
  process.exit(1);
});
