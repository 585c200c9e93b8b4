import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  communityWithMembers,
  createIdentity,
  prover,
  provenBody,
  type TestCommunity,
} from '../../testing/members';
import { createTestApp } from '../../testing/test-app';

/** `(page,item)` of a row in its table's file. */
const place = (ctid: string) => ctid.slice(1, -1).split(',').map(Number) as [number, number];

/**
 * A member reports a note twice. The second report must be answered 409 REPORT_EXISTS without
 * a failing statement: an insert refused by the unique index has PostgreSQL log the (note,
 * reporter pseudonym) pair with the time, and leaves the refused row in the table's file, where
 * it takes the next place. So the next report's place shows whether one was written between.
 */
describe('a duplicate report', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  const [alice, bob] = [createIdentity(), createIdentity()];

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [alice, bob]);
  });

  afterAll(async () => {
    await app?.close();
    await prisma?.$disconnect();
  });

  const placeOf = async (id: string) => {
    const [row] = await prisma.$queryRaw<{ ctid: string }[]>`
      SELECT ctid::text AS ctid FROM note_reports WHERE id = ${id}::uuid`;
    return place(row?.ctid ?? '');
  };

  it('is answered 409 REPORT_EXISTS and writes no row, not even a refused one', async () => {
    const server = () => app.getHttpServer();
    const prove = await prover(app, community);
    const written = await prove(alice, 'note.create', '', {
      post: { url: `https://example.com/${community.slug}/story` },
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text: 'A note to report.',
      sources: ['https://example.org/source'],
    });
    const noteId = (
      await request(server())
        .post(`/communities/${community.slug}/notes`)
        .send(provenBody(written))
        .expect(201)
    ).body.id as string;
    const target = `note:${noteId}`;
    const report = async (payload: { reason: string; text: string }, member = bob) =>
      request(server())
        .post(`/communities/${community.slug}/notes/${noteId}/reports`)
        .send(provenBody(await prove(member, 'note.report', target, payload)));

    const first = await report({ reason: 'SPAM', text: '' });
    expect(first.status).toBe(201);
    const again = await report({ reason: 'OTHER', text: 'Still spam' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'REPORT_EXISTS', statusCode: 409 });
    const next = await report({ reason: 'SPAM', text: '' }, alice);
    expect(next.status).toBe(201);

    expect(await prisma.noteReport.count({ where: { noteId } })).toBe(2);
    const [firstPage, firstItem] = await placeOf(first.body.id);
    expect(await placeOf(next.body.id)).toEqual([firstPage, firstItem + 1]);
  });
});
