// The public log read both ways on a log past one page: forward from `after` for a verifier, and
// newest first for a moderator, who looks there for the latest hide to restore. The 1,001 entries
// are appended through the log's store (a hide and a restore of one note, by turns): no proof.
import type { INestApplication } from '@nestjs/common';
import { ModerationLogStore, type PrismaClient } from '@bridgenotes/database';
import { checkModerationChain, type ModerationLogEntry } from '@bridgenotes/protocol';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';

const ENTRIES = 1001;

describe('the public log past one page', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: { id: string; slug: string };
  let noteId: string;
  const read = (query: Record<string, string | number>) =>
    request(app.getHttpServer()).get(`/communities/${community.slug}/moderation/log`).query(query);

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await createCommunity(prisma, 1);
    noteId = (await prisma.note.findFirstOrThrow({ where: { communityId: community.id } })).id;
    const store = app.get(ModerationLogStore);
    for (let seq = 1; seq <= ENTRIES; seq += 1) {
      const hide = seq % 2 === 1;
      const appended = await store.append(community.id, {
        action: hide ? 'HIDE' : 'RESTORE',
        target: `note:${noteId}`,
        reasonCode: hide ? 'SPAM' : 'REVIEWED',
        moderatorKeyId: 'operator',
      });
      expect(appended.ok).toBe(true);
    }
  }, 10 * 60_000);

  afterAll(async () => {
    await prisma.$disconnect();
    await app.close();
  });

  it('pages forward from the start, as before: the first 1,000, then the last one', async () => {
    const first = await read({}).expect(200);
    expect(first.body.items).toHaveLength(1000);
    expect(first.body.items[0].seq).toBe(1);
    expect(first.body).toMatchObject({ nextAfter: 1000, nextBefore: null });
    const rest = await read({ after: first.body.nextAfter }).expect(200);
    expect(rest.body.items.map((entry: ModerationLogEntry) => entry.seq)).toEqual([ENTRIES]);
    expect(rest.body.nextAfter).toBeNull();
    expect(
      checkModerationChain(community.id, [...first.body.items, ...rest.body.items]),
    ).toBeUndefined();
  });

  it('reads the newest first in one request, and pages back to the first entry', async () => {
    const newest = await read({ order: 'newest', limit: 50 }).expect(200);
    const seqs = (page: { items: ModerationLogEntry[] }) => page.items.map((entry) => entry.seq);
    expect(seqs(newest.body)).toEqual(Array.from({ length: 50 }, (_, i) => ENTRIES - i));
    expect(newest.body.items[0]).toMatchObject({ action: 'HIDE', target: `note:${noteId}` });
    expect(newest.body).toMatchObject({ nextBefore: ENTRIES - 49, nextAfter: null });
    const older = await read({ order: 'newest', limit: 50, before: newest.body.nextBefore });
    expect(seqs(older.body)).toEqual(Array.from({ length: 50 }, (_, i) => ENTRIES - 50 - i));
    const last = await read({ order: 'newest', limit: 50, before: 3 }).expect(200);
    expect(last.body).toMatchObject({ nextBefore: null });
    expect(seqs(last.body)).toEqual([2, 1]);
    // Exactly a page down to seq 1: nothing older to ask for.
    expect((await read({ order: 'newest', limit: 2, before: 3 })).body.nextBefore).toBeNull();
    // The default page, newest first, holds the newest thousand.
    const whole = await read({ order: 'newest' }).expect(200);
    expect(whole.body.items).toHaveLength(1000);
    expect(whole.body.items[0].seq).toBe(ENTRIES);
  });

  it('refuses an unknown order, a before of 0, a limit past a page and a cursor of the other order', async () => {
    const refusals: Record<string, string | number>[] = [
      { order: 'latest' },
      { order: 'newest', before: 0 },
      { limit: 1001 },
      { before: 500 },
      { order: 'oldest', before: 500 },
      { order: 'newest', after: 500 },
    ];
    for (const query of refusals) {
      const refused = await read(query).expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
