// The moderation queue on the real database: it drains as moderators act on notes, and pages
// through every open report, latest first, however many reports came before. The bulk of the
// reports is arranged in the database (a proof takes seconds); the one a member sends here is
// proven for real.
import type { INestApplication } from '@nestjs/common';
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
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(`${new Date(ms).toISOString().slice(0, 10)}T00:00:00Z`);

interface QueuePage {
  items: { note: { id: string }; reportCount: number; lastDay: string }[];
  nextCursor: string | null;
}

describe('the moderation queue', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let postId: string;
  const member = createIdentity();
  let authors = 0;
  const server = () => app.getHttpServer();
  const queue = (query: Record<string, string | number> = {}) =>
    request(server())
      .get(`/communities/${community.slug}/moderation/reports`)
      .set(operator)
      .query(query);
  const act = (action: string, noteId: string, reasonCode: string) =>
    request(server())
      .post(`/communities/${community.slug}/moderation/actions`)
      .set(operator)
      .send({ action, noteId, reasonCode })
      .expect(201);

  /** `count` notes, each by an author of its own: their ids. */
  const notes = async (count: number): Promise<string[]> => {
    const rows = await prisma.note.createManyAndReturn({
      data: Array.from({ length: count }, () => ({
        communityId: community.id,
        postId,
        authorPseudonym: String(5_000 + (authors += 1)),
        classification: NoteClassification.NOT_MISLEADING,
        reasons: ['FACTUALLY_CORRECT'],
        text: `Note ${authors}`,
        sources: [],
      })),
      select: { id: true },
    });
    return rows.map((row) => row.id);
  };
  /** Reports of each note by `reporters` pseudonyms (the same ones for every note), on `day`. */
  const report = (noteIds: string[], reporters: number, day: Date, text = '') =>
    prisma.noteReport.createMany({
      data: noteIds.flatMap((noteId) =>
        Array.from({ length: reporters }, (_, index) => ({
          communityId: community.id,
          noteId,
          reporterPseudonym: String(9_000 + index),
          reason: 'SPAM' as const,
          text,
          day,
        })),
      ),
    });
  /** Every page of the queue, in order, `limit` notes at a time. */
  const allPages = async (limit: number): Promise<QueuePage[]> => {
    const pages: QueuePage[] = [];
    let cursor: string | null | undefined;
    do {
      const page = (await queue({ limit, ...(cursor ? { cursor } : {}) }).expect(200))
        .body as QueuePage;
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  };
  const idsOf = (pages: QueuePage[]) => pages.flatMap((page) => page.items.map((i) => i.note.id));

  let spam: string[];
  let handled: Record<'hidden' | 'redacted' | 'restored' | 'deleted', string>;
  let real: string;
  let yesterday: Record<'two' | 'three', string>;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [member]);
    postId = (
      await prisma.post.create({
        data: { canonicalUrl: `https://example.com/${community.slug}/reported` },
      })
    ).id;
    const now = Date.now();
    // Ten throwaway pseudonyms reported a hundred harmless notes two days ago.
    spam = await notes(100);
    await report(spam, 10, dayOf(now - 2 * DAY));
    // Four notes reported most of all, yesterday, and dealt with since: hidden, redacted,
    // hidden then restored after a review, deleted by their author.
    const [hidden, redacted, restored, deleted] = (await notes(4)) as [
      string,
      string,
      string,
      string,
    ];
    handled = { hidden, redacted, restored, deleted };
    await report(Object.values(handled), 20, dayOf(now - DAY), 'It names 1 Example Street');
    await act('HIDE', hidden, 'SPAM');
    await act('REDACT', redacted, 'PERSONAL_DATA');
    await act('HIDE', restored, 'SPAM');
    await act('RESTORE', restored, 'REVIEWED');
    await prisma.note.update({ where: { id: deleted }, data: { deletedAt: new Date() } });
    // Two notes reported yesterday, not acted on: the one reported more comes first.
    const [two, three] = (await notes(2)) as [string, string];
    yesterday = { two, three };
    await report([two], 2, dayOf(now - DAY));
    await report([three], 3, dayOf(now - DAY));
    // And one real report, today, by a member, with a proof.
    [real] = (await notes(1)) as [string];
    const proven = await (
      await prover(app, community)
    )(member, 'note.report', `note:${real}`, { reason: 'HARASSMENT', text: '' });
    await request(server())
      .post(`/communities/${community.slug}/notes/${real}/reports`)
      .send(provenBody(proven))
      .expect(201);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('shows the latest reports first, then the most reported, and leaves out what was dealt with', async () => {
    const first = (await queue().expect(200)).body as QueuePage;
    expect(first.items).toHaveLength(20);
    expect(first.items.slice(0, 3)).toEqual([
      expect.objectContaining({ note: expect.objectContaining({ id: real }), reportCount: 1 }),
      expect.objectContaining({ note: expect.objectContaining({ id: yesterday.three }) }),
      expect.objectContaining({ note: expect.objectContaining({ id: yesterday.two }) }),
    ]);
    const stored = await prisma.noteReport.findFirstOrThrow({ where: { noteId: real } });
    expect(first.items[0]?.lastDay).toBe(stored.day.toISOString().slice(0, 10));
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it('pages through every open report once, and no handled note is on any page', async () => {
    const pages = await allPages(20);
    expect(pages.map((page) => page.items.length)).toEqual([20, 20, 20, 20, 20, 3]);
    const spamByIdDescending = [...spam].sort().reverse();
    expect(idsOf(pages)).toEqual([real, yesterday.three, yesterday.two, ...spamByIdDescending]);
    const shown = JSON.stringify(pages);
    for (const noteId of Object.values(handled)) expect(shown).not.toContain(noteId);
    expect(shown).not.toContain('Example Street');
    // Pages of another size hold the same list.
    expect(idsOf(await allPages(100))).toEqual(idsOf(pages));
  });

  it('takes a note back once it is reported after the last action on it', async () => {
    await prisma.noteReport.create({
      data: {
        communityId: community.id,
        noteId: handled.restored,
        reporterPseudonym: '9999',
        reason: 'ILLEGAL',
        day: dayOf(Date.now()),
      },
    });
    const first = (await queue({ limit: 2 }).expect(200)).body as QueuePage;
    expect(first.items.map((item) => [item.note.id, item.reportCount])).toEqual([
      [handled.restored, 21],
      [real, 1],
    ]);
    await act('HIDE', handled.restored, 'SPAM');
    const after = (await queue({ limit: 1 }).expect(200)).body as QueuePage;
    expect(after.items.map((item) => item.note.id)).toEqual([real]);
  });

  it('refuses a cursor it did not make and a limit out of range', async () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    const uuid = '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e';
    for (const cursor of [
      'not-a-cursor',
      forged(`d2026-02-30|n1|${uuid}`),
      forged(`d1970-01-01|n1|${uuid}`),
      forged(`d2026-12-03|n0|${uuid}`),
      forged(`d2026-12-03|n1|${uuid}|more`),
      forged(`2026-12-03T00:00:00.000Z|${uuid}`),
    ]) {
      expect((await queue({ cursor }).expect(400)).body.code).toBe('CURSOR_INVALID');
    }
    for (const limit of [0, 101]) {
      expect((await queue({ limit }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    }
  });
});
