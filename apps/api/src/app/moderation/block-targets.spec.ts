// What a BLOCK may name, on the real database: a pseudonym as proofs give them, of someone who
// acted in the community. The log is public and permanent, so anything else is refused before a
// word of it is written. No proof is needed: the operator blocks, and the pseudonyms' rows are
// arranged in the database.
import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { SNARK_SCALAR_FIELD } from '@bridgenotes/protocol';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const PROOF = { points: [] };

describe('blocking a pseudonym', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  let other: { id: string; slug: string };
  const block = (pseudonym: string, slug = community.slug) =>
    request(app.getHttpServer())
      .post(`/communities/${slug}/moderation/actions`)
      .set(operator)
      .send({ action: 'BLOCK', pseudonym, reasonCode: 'SPAM' });
  const logged = (communityId: string) =>
    prisma.moderationLogEntry.count({ where: { communityId } });

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    // One note, by pseudonym 1000; a rater, a requester and a reporter of it.
    community = await createCommunity(prisma, 1);
    other = await createCommunity(prisma);
    const note = await prisma.note.findFirstOrThrow({ where: { communityId: community.id } });
    await prisma.rating.create({
      data: {
        communityId: community.id,
        noteId: note.id,
        raterPseudonym: '2001',
        helpfulness: 'HELPFUL',
        tags: [],
        clientMinute: 1,
        proof: PROOF,
      },
    });
    await prisma.noteRequest.create({
      data: {
        communityId: community.id,
        postId: note.postId,
        requesterPseudonym: '2002',
        postRef: { url: 'https://example.com/' },
        clientMinute: 1,
        proof: PROOF,
      },
    });
    await prisma.noteReport.create({
      data: {
        communityId: community.id,
        noteId: note.id,
        reporterPseudonym: '2003',
        reason: 'SPAM',
        day: new Date('2026-12-03T00:00:00Z'),
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('refuses what is not a pseudonym: another spelling, or a number outside the field', async () => {
    for (const pseudonym of [
      '01000',
      '+1000',
      ' 1000',
      '1e3',
      SNARK_SCALAR_FIELD.toString(),
      '9'.repeat(78),
      '',
    ]) {
      const refused = await block(pseudonym).expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    expect(await logged(community.id)).toBe(0);
  });

  it('refuses a pseudonym that never acted in the community, with nothing logged', async () => {
    for (const [pseudonym, slug] of [
      ['2004', community.slug],
      [(SNARK_SCALAR_FIELD - 1n).toString(), community.slug],
      // Pseudonyms differ per community: the note's author never acted in the other.
      ['1000', other.slug],
    ] as const) {
      const refused = await block(pseudonym, slug).expect(404);
      expect(refused.body.code).toBe('PSEUDONYM_NOT_FOUND');
    }
    expect(await logged(community.id)).toBe(0);
    expect(await logged(other.id)).toBe(0);
    expect(
      await prisma.blockedPseudonym.count({
        where: { communityId: { in: [community.id, other.id] } },
      }),
    ).toBe(0);
  });

  it('blocks an author, a rater, a requester and a reporter', async () => {
    for (const pseudonym of ['1000', '2001', '2002', '2003']) {
      const blocked = await block(pseudonym).expect(201);
      expect(blocked.body).toMatchObject({ action: 'BLOCK', target: `pseudonym:${pseudonym}` });
    }
    expect(await logged(community.id)).toBe(4);
  });
});
