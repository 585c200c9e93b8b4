import type { INestApplication } from '@nestjs/common';
import { type ProvenAction, pseudonymOf } from '@bridgenotes/client';
import { NoteClassification, type PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import { createSealedByHandApp } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const MINUTE = 60_000;

/**
 * A member's sealed ratings are public with their proofs (the export, mirrors), and a proof is
 * accepted while its minute is within CLOCK_SKEW_MINUTES: anyone may send one again. The answer
 * to such a replay is decided by the sealed rating alone, never by the member's newer rating
 * waiting in the write buffer, whose arrival the batch hides (docs/threat-model.md); the
 * member's own resend of the waiting rating is still answered as that rating. Writes are sealed
 * by hand, one member enough for a batch; real proofs, made once.
 */
describe('a rating sent again while a newer one of its rater waits to be sealed', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let noteId: string;
  const [author, rater] = [createIdentity(), createIdentity()];
  const proofs = {} as Record<'earlier' | 'sealed' | 'newer', ProvenAction>;

  beforeAll(async () => {
    app = await createSealedByHandApp(1);
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [author, rater]);
    const prove = await prover(app, community);
    // A stored note of the author's, as its proven creation would store it.
    const post = await prisma.post.create({
      data: { canonicalUrl: `https://example.com/${community.slug}/resent-rating` },
    });
    ({ id: noteId } = await prisma.note.create({
      data: {
        classification: NoteClassification.NOT_MISLEADING,
        reasons: ['FACTUALLY_CORRECT'],
        text: 'Rated, rated again, and the older proof replayed',
        sources: [],
        communityId: community.id,
        postId: post.id,
        authorPseudonym: pseudonymOf(author, community.scope),
      },
    }));
    const minute = Math.floor(Date.now() / MINUTE);
    const rating = (payload: { helpfulness: string; tags: string[] }, at: number) =>
      prove(rater, 'rating.put', `note:${noteId}`, payload, new Date(at * MINUTE));
    proofs.earlier = await rating({ helpfulness: 'SOMEWHAT_HELPFUL', tags: [] }, minute - 1);
    proofs.sealed = await rating({ helpfulness: 'HELPFUL', tags: [] }, minute);
    proofs.newer = await rating({ helpfulness: 'NOT_HELPFUL', tags: ['INCORRECT'] }, minute + 1);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const rate = (proven: ProvenAction) =>
    request(app.getHttpServer())
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(provenBody(proven));
  const seal = async () => expect(await app.get(Sealer).sealDue()).toBeGreaterThanOrEqual(1);
  const waiting = () =>
    prisma.bufferedWrite.count({ where: { communityId: community.id, kind: 'rating' } });
  /**
   * What an outsider holding the exported proofs sees when replaying them: each answer's status
   * and body, but for the request's own id.
   */
  const replays = async () =>
    Promise.all(
      [proofs.sealed, proofs.earlier].map(async (proven) => {
        const { status, body } = await rate(proven);
        return { status, body: { ...body, requestId: undefined } };
      }),
    );

  it('answers a replay from the sealed rating alone, and the member their waiting rating', async () => {
    const minute = proofs.sealed.action.clientMinute;
    // The first rating, resent while it waits with nothing sealed: the same rating, unchanged.
    await rate(proofs.earlier).expect(201);
    expect((await rate(proofs.earlier).expect(200)).body.clientMinute).toBe(minute - 1);
    expect(await waiting()).toBe(1);
    await seal();
    await rate(proofs.sealed).expect(200);
    await seal();

    // Both proofs are sealed, hence exported: their replays, with nothing waiting.
    const before = await replays();
    expect(before).toEqual([
      {
        status: 200,
        body: expect.objectContaining({ helpfulness: 'HELPFUL', clientMinute: minute }),
      },
      {
        status: 409,
        body: expect.objectContaining({
          code: 'RATING_OUTDATED',
          details: { storedClientMinute: minute },
        }),
      },
    ]);

    // The member rates again; the rating waits for its batch.
    await rate(proofs.newer).expect(200);
    expect(await waiting()).toBe(1);
    // The same replays are answered the same: nothing tells when the newer rating arrived.
    expect(await replays()).toEqual(before);
    // The member's own resend of the waiting rating: that rating, unchanged, not buffered again.
    expect((await rate(proofs.newer).expect(200)).body).toMatchObject({
      helpfulness: 'NOT_HELPFUL',
      tags: ['INCORRECT'],
      clientMinute: minute + 1,
    });
    expect(await waiting()).toBe(1);

    // Once sealed (and exported), the newer rating is the one replays are compared with.
    await seal();
    expect(await waiting()).toBe(0);
    const outdated = await rate(proofs.sealed).expect(409);
    expect(outdated.body).toMatchObject({
      code: 'RATING_OUTDATED',
      details: { storedClientMinute: minute + 1 },
    });
    expect((await rate(proofs.newer).expect(200)).body.clientMinute).toBe(minute + 1);
    expect(
      await prisma.rating.findMany({
        where: { noteId },
        select: { helpfulness: true, clientMinute: true },
      }),
    ).toEqual([{ helpfulness: 'NOT_HELPFUL', clientMinute: minute + 1 }]);
  });
});
