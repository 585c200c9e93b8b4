// Which reason fits which action, at the API's edge: REVIEWED after a review (RESTORE, UNBLOCK,
// DISMISS), a report reason for acting on one (HIDE, REDACT, BLOCK). The log is public and
// permanent, so a pair that says the opposite of the action is refused before anything is written.
import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const RULE =
  'reasonCode must be REVIEWED for RESTORE, UNBLOCK, DISMISS (after a review), and a report reason (PERSONAL_DATA, ILLEGAL, SPAM, HARASSMENT, OTHER) for HIDE, REDACT, BLOCK';

describe('moderation reasons', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  let noteId: string;
  const act = (input: Record<string, unknown>) =>
    request(app.getHttpServer())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set(operator)
      .send(input);

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await createCommunity(prisma, 1);
    noteId = (await prisma.note.findFirstOrThrow({ where: { communityId: community.id } })).id;
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await app.close();
  });

  it('refuses a reason that does not fit the action with 400 naming the rule, writing nothing', async () => {
    const pseudonym = '1000';
    for (const input of [
      { action: 'REDACT', noteId, reasonCode: 'REVIEWED' },
      { action: 'HIDE', noteId, reasonCode: 'REVIEWED' },
      { action: 'BLOCK', pseudonym, reasonCode: 'REVIEWED' },
      { action: 'RESTORE', noteId, reasonCode: 'ILLEGAL' },
      { action: 'UNBLOCK', pseudonym, reasonCode: 'SPAM' },
      { action: 'DISMISS', noteId, reasonCode: 'PERSONAL_DATA' },
    ]) {
      const refused = await act(input).expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(refused.body.message)).toContain(RULE);
    }
    expect(await prisma.moderationLogEntry.count({ where: { communityId: community.id } })).toBe(0);
    const note = await prisma.note.findUniqueOrThrow({ where: { id: noteId } });
    expect(note).toMatchObject({ hidden: false, redacted: false });
  });

  it('takes a report reason to hide and REVIEWED to restore', async () => {
    await act({ action: 'HIDE', noteId, reasonCode: 'ILLEGAL' }).expect(201);
    await act({ action: 'RESTORE', noteId, reasonCode: 'REVIEWED' }).expect(201);
    const log = await prisma.moderationLogEntry.findMany({
      where: { communityId: community.id },
      orderBy: { seq: 'asc' },
    });
    expect(log.map((entry) => [entry.action, entry.reasonCode])).toEqual([
      ['HIDE', 'ILLEGAL'],
      ['RESTORE', 'REVIEWED'],
    ]);
  });
});
