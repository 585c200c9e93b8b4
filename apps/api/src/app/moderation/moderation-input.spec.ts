// Malformed moderation and report bodies, on the real database: each is a 400 naming the field
// and what is wrong, before anything is looked up or written; never a 500 from the database, nor
// a 404 for a target the body never named. No proof is needed: the refusals come first.
import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

describe('malformed moderation bodies', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  let noteId: string;
  const act = (body: Record<string, unknown>) =>
    request(app.getHttpServer())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set(operator)
      .send(body);

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    // One note, by pseudonym 1000.
    community = await createCommunity(prisma, 1);
    ({ id: noteId } = await prisma.note.findFirstOrThrow({
      where: { communityId: community.id },
    }));
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const refusedFor = async (response: request.Response, field: string, problem: string) => {
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400 });
    expect(response.body.message).toContain(problem);
    expect(response.body.details).toContainEqual({
      field,
      problems: expect.arrayContaining([problem]),
    });
  };

  it('refuses a null target, or a null beside the target, with 400 VALIDATION_FAILED', async () => {
    const note = 'noteId must be a UUID';
    const pseudonym =
      'pseudonym must be a nullifier: a decimal below the SNARK scalar field, without leading zeros';
    for (const [body, field, problem] of [
      [{ action: 'HIDE', noteId: null, reasonCode: 'SPAM' }, 'noteId', note],
      [{ action: 'DISMISS', noteId: null, reasonCode: 'REVIEWED' }, 'noteId', note],
      [{ action: 'BLOCK', pseudonym: null, reasonCode: 'SPAM' }, 'pseudonym', pseudonym],
      [{ action: 'UNBLOCK', pseudonym: null, reasonCode: 'REVIEWED' }, 'pseudonym', pseudonym],
      [{ action: 'HIDE', noteId, pseudonym: null, reasonCode: 'SPAM' }, 'pseudonym', pseudonym],
      [{ action: 'BLOCK', noteId: null, pseudonym: '1000', reasonCode: 'SPAM' }, 'noteId', note],
    ] as const) {
      await refusedFor(await act(body), field, problem);
    }
    expect(await prisma.moderationLogEntry.count({ where: { communityId: community.id } })).toBe(0);
    expect(await prisma.note.findUniqueOrThrow({ where: { id: noteId } })).toMatchObject({
      hidden: false,
    });
    expect(await prisma.blockedPseudonym.count({ where: { communityId: community.id } })).toBe(0);
  });

  it('refuses a report whose text is null with 400 VALIDATION_FAILED', async () => {
    const response = await request(app.getHttpServer())
      .post(`/communities/${community.slug}/notes/${noteId}/reports`)
      .send({ reason: 'SPAM', text: null, clientMinute: 29_591_488, proof: {} });
    await refusedFor(response, 'text', 'text must be text');
    expect(await prisma.noteReport.count({ where: { noteId } })).toBe(0);
  });
});
