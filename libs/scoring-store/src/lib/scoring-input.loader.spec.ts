import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import { PrismaClient } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { emptyStatusHistory, statusHistoryToJson } from '@bridgenotes/scoring';
import { currentTestRun } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ScoringInputLoader, type LoadedInput } from './scoring-input.loader';
import { writeSyntheticCommunity } from './synthetic-community.writer';

/** Larger than every id `gen_random_uuid` gives: a rating read in the load's last page. */
const LAST_ID = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const PAGES = { notesPerCopy: 7, ratingsPerCopy: 50 };

/**
 * Members rate while a run loads its input over several statements: the loader must read every
 * rating as it was at the run's cut (`changedThrough`), as the verifier rebuilds the run from
 * the export, whatever is replaced or written between its statements.
 */
describe('scoring input loader while members rate', () => {
  const run = currentTestRun();
  let prisma: PrismaClient;
  let loader: ScoringInputLoader;
  const communityId = randomUUID();

  beforeAll(async () => {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: run.databaseUrl }) });
    loader = new ScoringInputLoader(
      Object.assign(new Environment(), { DATABASE_URL: run.databaseUrl }),
    );
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `l-${communityId.slice(0, 8)}`,
        name: 'l',
        scope: communityScope(communityId).toString(),
      },
    });
    const writer = new Client({ connectionString: run.databaseUrl });
    await writer.connect();
    try {
      await writeSyntheticCommunity(writer, communityId, {
        seed: 5,
        raters: 40,
        notes: 30,
        ratings: 400,
      });
    } finally {
      await writer.end();
    }
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  /** A new version of the rating, in a batch of its own (one statement). */
  const replace = (id: string) => prisma.$executeRaw`
    UPDATE ratings SET client_minute = client_minute + 1,
           helpfulness = CASE WHEN helpfulness = 'HELPFUL' THEN 'NOT_HELPFUL' ELSE 'HELPFUL' END::"Helpfulness",
           tags = '{}'
     WHERE id = ${id}::uuid`;

  /**
   * Between two of the load's statements (after `pages` pages of ratings): the rating read
   * first (already loaded) and the last one (not yet) are replaced, the last one twice, and a
   * rating of `noteId` is written that the load reads last.
   */
  const interfere =
    (noteId: string, pages = 2) =>
    async (table: 'notes' | 'ratings', page: number) => {
      if (table !== 'ratings' || page !== pages) return;
      const ratings = await prisma.rating.findMany({
        where: { communityId, id: { not: LAST_ID } },
        orderBy: { id: 'asc' },
        select: { id: true },
      });
      const [first, last] = [ratings[0]?.id as string, ratings.at(-1)?.id as string];
      await replace(first);
      await replace(last);
      await replace(last);
      await prisma.$executeRaw`
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
        VALUES (${LAST_ID}::uuid, ${communityId}::uuid, ${noteId}::uuid, ${`late-${randomUUID()}`},
                'HELPFUL', 1, '{}', '{}')`;
    };

  const removeLate = () => prisma.rating.deleteMany({ where: { id: LAST_ID } });

  it('reads a full run as of its cut, whatever members write between its statements', async () => {
    const nowMs = Date.now();
    const expected = await loader.load(communityId, nowMs);
    expect(expected.ratingCount).toBeGreaterThan(3 * PAGES.ratingsPerCopy);
    const note = await prisma.note.findFirstOrThrow({ where: { communityId } });
    let loaded: LoadedInput;
    try {
      loaded = await loader.load(communityId, nowMs, {
        ...PAGES,
        beforeCopy: interfere(note.id),
      });
      // Not vacuous: the writes changed what a load reads now.
      const now = await loader.load(communityId, nowMs);
      expect(now.changedThrough).toBeGreaterThan(expected.changedThrough);
      expect(now.dataHash).not.toBe(expected.dataHash);
      expect(now.ratingCount).toBe(expected.ratingCount + 1);
    } finally {
      await removeLate();
    }
    expect(loaded).toEqual(expected);
  });

  it("reads an incremental run's ratings as of its cut too", async () => {
    // Two notes rated since `since`: the incremental run reads them and their ratings.
    const [{ last: since }] = await prisma.$queryRaw<[{ last: bigint }]>`
      SELECT last FROM change_batches WHERE id = 1`;
    const rated = await prisma.rating.findMany({
      where: { communityId },
      orderBy: { id: 'desc' },
      distinct: ['noteId'],
      take: 2,
      select: { id: true, noteId: true },
    });
    for (const { id } of rated) await replace(id);
    const nowMs = Date.now();
    const expected = await loader.loadChanged(communityId, nowMs, since);
    expect(expected.noteCount).toBeGreaterThanOrEqual(2);
    let loaded: LoadedInput;
    try {
      loaded = await loader.loadChanged(communityId, nowMs, since, {
        notesPerCopy: 1,
        ratingsPerCopy: 3,
        beforeCopy: interfere(rated[0]?.noteId as string, 1),
      });
    } finally {
      await removeLate();
    }
    expect(loaded).toEqual(expected);
  });

  it('reads for an incremental run exactly the notes written, rated or held at NMR since its cut', async () => {
    const notes = await prisma.note.findMany({
      where: { communityId },
      orderBy: { id: 'asc' },
      select: { id: true, authorPseudonym: true },
    });
    const [held, released, rated, written] = [notes[3], notes[5], notes[10], notes[20]].map(
      (note) => note?.id as string,
    );
    /** A run's history of the note, held at NMR until `holdMs` (null: no hold). */
    const storeHistory = async (index: number, holdMs: number | null) => {
      const { id, authorPseudonym } = notes[index] as { id: string; authorPseudonym: string };
      const history = {
        ...statusHistoryToJson(emptyStatusHistory(id, authorPseudonym, 0)),
        timestampMillisOfNmrDueToMinStableCrhTime: holdMs,
      };
      await prisma.note.update({ where: { id }, data: { statusHistory: history } });
    };
    // Histories are the runs', not the members': writing one moves no note's batch, before the
    // cut or after it.
    await storeHistory(5, null);
    const [{ last: since }] = await prisma.$queryRaw<[{ last: bigint }]>`
      SELECT last FROM change_batches WHERE id = 1`;
    await storeHistory(3, Date.now() + 60_000);
    const rating = await prisma.rating.findFirstOrThrow({
      where: { noteId: rated },
      select: { id: true },
    });
    await replace(rating.id);
    await prisma.$executeRaw`UPDATE notes SET text = text || ' (edited)' WHERE id = ${written}::uuid`;

    const nowMs = Date.now();
    const loaded = await loader.loadChanged(communityId, nowMs, since);
    expect([...loaded.input.noteIds]).toEqual([held, rated, written].sort());
    expect(loaded.input.noteIds).not.toContain(released);
    // Page by page, the same notes.
    expect(await loader.loadChanged(communityId, nowMs, since, { notesPerCopy: 1 })).toEqual(
      loaded,
    );
  });
});
