import type { INestApplication } from '@nestjs/common';
import type { Identity } from '@semaphore-protocol/core';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { provenBody, prover, type TestCommunity } from './members';

/** What a poisoned note's text is made of: found in no log line. */
export const POISON_MARKER = 'poison-marker';

/** A note by `author` to `community`, answered 201 and waiting for its batch: its id. */
export async function waitingNote(
  app: INestApplication,
  community: TestCommunity,
  author: Identity,
): Promise<string> {
  const prove = await prover(app, community);
  const proven = await prove(author, 'note.create', '', {
    post: { url: `https://example.com/${community.slug}/story` },
    classification: 'NOT_MISLEADING',
    reasons: ['FACTUALLY_CORRECT'],
    text: 'A note the edge accepts.',
    sources: ['https://example.org/source'],
  });
  return (
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/notes`)
      .send(provenBody(proven))
      .expect(201)
  ).body.id as string;
}

/**
 * Gives the waiting note what the edge would have let through and its column cannot hold
 * (VARCHAR(1000)), as the buffer stores it: a text over the length, in its own payload, so the
 * database refuses it at sealing (P2000, SQLSTATE 22001). Answers its author's pseudonym.
 */
export async function poison(prisma: PrismaClient, noteId: string): Promise<string> {
  const [row] = await prisma.$queryRaw<{ author: string }[]>`
    UPDATE write_buffer SET payload = jsonb_set(payload, '{text}', to_jsonb(repeat(${POISON_MARKER}, 100)))
     WHERE kind = 'note' AND payload->>'id' = ${noteId}
    RETURNING payload->>'authorPseudonym' AS author`;
  if (!row) throw new Error('the note does not wait in the buffer');
  return row.author;
}
