import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import {
  Helpfulness,
  NoteClassification,
  NoteStatus,
  PrismaClient,
  PrismaService,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import {
  DEFAULT_SEED,
  generateSyntheticCommunity,
  HelpfulnessLevel,
  explainNote,
  indexOfId,
  NoteStatus as CoreStatus,
  orderedId,
  RaterKind,
  scoreNotes,
  shownStatus,
  statusHistoryToJson,
  type NoteStatusHistory,
  type SyntheticOptions,
} from '@bridgenotes/scoring';
import { currentTestRun } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import { ReplacedRatingsStore } from './replaced-ratings.store';
import { ScoringInputLoader } from './scoring-input.loader';
import { ScoringPublisher } from './scoring.publisher';

const HELPFULNESS: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: Helpfulness.HELPFUL,
  [HelpfulnessLevel.SomewhatHelpful]: Helpfulness.SOMEWHAT_HELPFUL,
  [HelpfulnessLevel.NotHelpful]: Helpfulness.NOT_HELPFUL,
};
const HOUR = 3_600_000;

type CommunitySize = Pick<SyntheticOptions, 'raters' | 'notes' | 'ratings'>;
/**
 * Two camps large enough for the general regime to decide the planted notes (at 200 raters the
 * meta-scoring hands them to OpinionGroupsCRH); no larger, as writing the community through
 * Prisma, as the API would, costs more than scoring it (400 raters, 12,000 ratings before).
 */
const SCORED: CommunitySize = { raters: 300, notes: 225, ratings: 9_000 };
/**
 * For the publication's bookkeeping, which reads no decision: the opinion groups' regime at 200
 * raters serves as well as the general one.
 */
const PUBLISHED: CommunitySize = { raters: 200, notes: 150, ratings: 6_000 };
/** For the hashes alone, which score nothing: any notes, ratings and posts will do. */
const HASHED: CommunitySize = { raters: 40, notes: 30, ratings: 400 };

/**
 * The loader and publisher against PostgreSQL: a synthetic community (two camps, so viewpoints
 * are known) and two notes both camps rate helpful, recent ones (so no lock), one of which an
 * earlier algorithm (`core/1`, no status history) already published as helpful.
 */
describe('scoring store', () => {
  let prisma: PrismaClient;
  let loader: ScoringInputLoader;
  let publisher: ScoringPublisher;

  beforeAll(() => {
    prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: currentTestRun().databaseUrl }),
    });
    loader = new ScoringInputLoader(
      Object.assign(new Environment(), { DATABASE_URL: currentTestRun().databaseUrl }),
    );
    publisher = new ScoringPublisher(
      prisma as PrismaService,
      new Environment(),
      new ScoringRunStore(prisma as PrismaService),
      new ReplacedRatingsStore(),
    );
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  async function community(noteCreatedAtMs: number, size: CommunitySize = SCORED) {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `s-${communityId.slice(0, 8)}`,
        name: 's',
        scope: communityScope(communityId).toString(),
      },
    });
    const posts = new Map<string, string>();
    const notes: { id: string; author: string; createdAtMs: number; post: string }[] = [];
    const ratings: { noteId: string; rater: string; level: HelpfulnessLevel; atMs: number }[] = [];
    const ids = new Map<string, string>();
    const truth = generateSyntheticCommunity(
      { seed: 11, ...size },
      {
        note(id, author, createdAtMs, _misleading, post) {
          ids.set(id, orderedId(ids.size));
          if (!posts.has(post)) posts.set(post, orderedId(posts.size));
          notes.push({ id: ids.get(id) as string, author, createdAtMs, post });
        },
        rating(noteId, rater, level, atMs) {
          ratings.push({ noteId: ids.get(noteId) as string, rater, level, atMs });
        },
      },
    );
    const camp = (kind: RaterKind) =>
      truth.raterIds.filter((_, index) => truth.raterKind[index] === kind).slice(0, 14);
    const planted = [orderedId(notes.length), orderedId(notes.length + 1)];
    for (const id of planted) {
      notes.push({ id, author: 'planted-author', createdAtMs: noteCreatedAtMs, post: 'planted' });
      for (const rater of [...camp(RaterKind.CampA), ...camp(RaterKind.CampB)]) {
        ratings.push({
          noteId: id,
          rater,
          level: HelpfulnessLevel.Helpful,
          atMs: noteCreatedAtMs + HOUR,
        });
      }
    }
    posts.set('planted', orderedId(posts.size));
    await prisma.post.createMany({
      data: [...posts.values()].map((id) => ({ id, platform: 'store-test', externalId: id })),
    });
    await prisma.note.createMany({
      data: notes.map((note) => ({
        id: note.id,
        communityId,
        postId: posts.get(note.post) as string,
        authorPseudonym: note.author,
        classification: NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
        reasons: [],
        text: 'synthetic',
        sources: [],
        createdAt: new Date(note.createdAtMs),
      })),
    });
    await prisma.rating.createMany({
      data: ratings.map((rating) => ({
        communityId,
        noteId: rating.noteId,
        raterPseudonym: rating.rater,
        helpfulness: HELPFULNESS[rating.level],
        // Two explanation tags on every helpful rating, so helpful notes can be shown.
        tags: rating.level === HelpfulnessLevel.Helpful ? ['CLEAR', 'GOOD_SOURCES'] : [],
        clientMinute: Math.floor(rating.atMs / 60_000),
        proof: {},
      })),
      skipDuplicates: true,
    });
    // An earlier algorithm published the first planted note as helpful, and kept no history.
    await prisma.note.update({
      where: { id: planted[0] },
      data: { status: NoteStatus.CURRENTLY_RATED_HELPFUL },
    });
    return { communityId, legacy: planted[0] as string, fresh: planted[1] as string };
  }

  async function run(communityId: string, nowMs: number) {
    const loaded = await loader.load(communityId, nowMs);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
    const { id } = await prisma.scoringRun.create({
      data: { communityId, status: 'RUNNING', startedAt: new Date(nowMs), attempts: 1 },
    });
    const { notesWritten } = await publisher.publish(
      { runId: id, attempt: 1 },
      loaded,
      result,
      DEFAULT_SEED,
    );
    return { loaded, result, runId: id, notesWritten };
  }

  /** What the community's notes show of their results, as the export reads them. */
  async function publishedNotes(communityId: string) {
    return prisma.note.findMany({
      where: { communityId },
      select: {
        id: true,
        status: true,
        score: true,
        scoredRunId: true,
        statusHistory: true,
        previousStatusHistory: true,
      },
      orderBy: { id: 'asc' },
    });
  }

  /**
   * Checks the database holds exactly what publishing every note of the run writes: each note's
   * results, its kept score, and a status change for each note whose status moved (against the
   * notes as they were before the run); and that the run rewrote exactly the notes that differ.
   */
  async function expectFullPublication(
    { loaded, result, runId, notesWritten }: Awaited<ReturnType<typeof run>>,
    before: Awaited<ReturnType<typeof publishedNotes>>,
  ) {
    const { noteIds, noteHistory } = loaded.input;
    const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    const expected = noteIds.map((id, index) => ({
      id,
      status: shownStatus(result.finalStatus[index] as CoreStatus),
      score: json(explainNote(result, index)),
      scoredRunId: runId,
      statusHistory: json(statusHistoryToJson(result.history?.[index] as NoteStatusHistory)),
      previousStatusHistory: noteHistory[index]
        ? json(statusHistoryToJson(noteHistory[index] as NoteStatusHistory))
        : null,
    }));
    const communityId = (await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } }))
      .communityId;
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(await publishedNotes(communityId)).toEqual(expected.sort(byId));
    const results = ({ scoredRunId: _, ...rest }: { scoredRunId: unknown } & object) => rest;
    const was = new Map(before.map((note) => [note.id, results(note)]));
    expect(notesWritten).toBe(
      expected.filter((note) => !isDeepStrictEqual(was.get(note.id), results(note))).length,
    );
    const kept = await prisma.noteScore.findMany({ where: { runId }, orderBy: { noteId: 'asc' } });
    expect(kept.map(({ noteId, status, score }) => ({ id: noteId, status, score }))).toEqual(
      expected.map(({ id, status, score }) => ({ id, status, score })),
    );
    const previous = new Map(before.map((note) => [note.id, note.status]));
    expect(
      await prisma.noteStatusChange.findMany({
        where: { runId },
        select: { noteId: true, previous: true, next: true },
        orderBy: { noteId: 'asc' },
      }),
    ).toEqual(
      expected
        .filter((note) => previous.get(note.id) !== note.status)
        .map((note) => ({ noteId: note.id, previous: previous.get(note.id), next: note.status })),
    );
  }

  it('keeps a note published as helpful by the previous algorithm helpful, and holds a new one', async () => {
    const now = Date.now();
    const { communityId, legacy, fresh } = await community(now - 3 * 24 * HOUR);
    const first = await run(communityId, now);
    // The legacy note started from a row holding just its published status.
    const legacyIndex = indexOfId(first.loaded.input.noteIds, legacy);
    expect(first.loaded.input.notePreviouslyHelpful[legacyIndex]).toBe(1);
    const byId = (id: string) => prisma.note.findUniqueOrThrow({ where: { id } });
    expect(await byId(legacy)).toMatchObject({
      status: NoteStatus.CURRENTLY_RATED_HELPFUL,
      score: { decidedBy: 'GeneralCRH' },
      previousStatusHistory: { noteId: legacy, currentStatus: 'CURRENTLY_RATED_HELPFUL' },
      statusHistory: { currentStatus: 'CURRENTLY_RATED_HELPFUL', lockedStatus: '' },
    });
    expect(await byId(fresh)).toMatchObject({
      status: NoteStatus.NEEDS_MORE_RATINGS,
      score: {
        decidedBy: 'NmrDueToMinStableCrhTime',
        preStabilizationStatus: 'CURRENTLY_RATED_HELPFUL',
      },
      previousStatusHistory: null,
      statusHistory: { timestampMillisOfNmrDueToMinStableCrhTime: now },
    });
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: first.runId } })).toMatchObject(
      {
        status: 'SUCCEEDED',
        nowAt: new Date(now),
        inputHash: first.loaded.inputHash,
        dataHash: first.loaded.dataHash,
        algorithmVersion: 'meta/7',
      },
    );

    // The next run reads back what this one stored and, an hour on, shows the new note.
    const second = await run(communityId, now + HOUR + 1);
    // Another time and other histories, the same data.
    expect(second.loaded.inputHash).not.toBe(first.loaded.inputHash);
    expect(second.loaded.dataHash).toBe(first.loaded.dataHash);
    const freshIndex = indexOfId(second.loaded.input.noteIds, fresh);
    expect(second.loaded.input.noteHistory[freshIndex]).toMatchObject({
      timestampMillisOfNmrDueToMinStableCrhTime: now,
    });
    expect(await byId(fresh)).toMatchObject({
      status: NoteStatus.CURRENTLY_RATED_HELPFUL,
      score: { decidedBy: 'GeneralCRH' },
      statusHistory: {
        currentStatus: 'CURRENTLY_RATED_HELPFUL',
        timestampMillisOfNmrDueToMinStableCrhTime: null,
      },
    });
    expect(
      await prisma.noteStatusChange.findMany({
        where: { noteId: { in: [legacy, fresh] } },
        select: { noteId: true, runId: true, next: true },
      }),
    ).toEqual([{ noteId: fresh, runId: second.runId, next: 'CURRENTLY_RATED_HELPFUL' }]);
  });

  it('hashes the same stored data at the same time the same, a changed tag differently, and posts by key in the data hash', async () => {
    const now = Date.now();
    const { communityId, fresh } = await community(now - 3 * 24 * HOUR, HASHED);
    const hashes = async () => {
      const { inputHash, dataHash } = await loader.load(communityId, now);
      return { inputHash, dataHash };
    };
    const before = await hashes();
    expect(await hashes()).toEqual(before);

    // The post under another row id, as a mirror stores it: same data, another input.
    const { post } = await prisma.note.findUniqueOrThrow({
      where: { id: fresh },
      include: { post: true },
    });
    await prisma.post.update({ where: { id: post.id }, data: { externalId: `old-${post.id}` } });
    const moved = await prisma.post.create({
      data: { platform: post.platform, externalId: post.externalId },
    });
    await prisma.note.updateMany({ where: { postId: post.id }, data: { postId: moved.id } });
    const elsewhere = await hashes();
    expect(elsewhere.inputHash).not.toBe(before.inputHash);
    expect(elsewhere.dataHash).toBe(before.dataHash);
    // The same row under another key is another post.
    await prisma.post.update({ where: { id: moved.id }, data: { externalId: `new-${post.id}` } });
    expect((await hashes()).dataHash).not.toBe(before.dataHash);
    await prisma.post.update({ where: { id: moved.id }, data: { externalId: post.externalId } });

    const rating = await prisma.rating.findFirstOrThrow({ where: { noteId: fresh } });
    await prisma.rating.update({ where: { id: rating.id }, data: { tags: ['CLEAR'] } });
    const retagged = await hashes();
    expect(retagged.inputHash).not.toBe(elsewhere.inputHash);
    expect(retagged.dataHash).not.toBe(elsewhere.dataHash);
  });

  it('rewrites only the notes whose results changed, and leaves what a full publication leaves', async () => {
    const now = Date.now();
    const { communityId, fresh } = await community(now - 3 * 24 * HOUR, PUBLISHED);
    const noteCount = (await publishedNotes(communityId)).length;
    let before = await publishedNotes(communityId);
    const first = await run(communityId, now);
    expect(first.notesWritten).toBe(noteCount);
    await expectFullPublication(first, before);
    // The same data at the same time, again and again: the months-old notes get locked, then
    // each note's starting history catches up with its history; from then on nothing differs,
    // and nothing is rewritten.
    const written = [];
    for (let again = 0; again < 3; again += 1) {
      before = await publishedNotes(communityId);
      const next = await run(communityId, now);
      await expectFullPublication(next, before);
      written.push(next.notesWritten);
    }
    expect(written[0]).toBeGreaterThan(0);
    expect(written[written.length - 1]).toBe(0);

    // A row that no longer holds what the last run published (edited by hand, say) is rewritten:
    // the comparison is with the database, not with what the publisher remembers.
    await prisma.note.update({ where: { id: fresh }, data: { score: { edited: true } } });
    // New ratings and an hour on: the notes whose results moved, and only those, are written.
    const rater = await prisma.rating.findFirstOrThrow({ where: { noteId: { not: fresh } } });
    await prisma.rating.create({
      data: {
        communityId,
        noteId: fresh,
        raterPseudonym: `${rater.raterPseudonym}-late`,
        helpfulness: Helpfulness.NOT_HELPFUL,
        tags: [],
        clientMinute: Math.floor(now / 60_000),
        proof: {},
      },
    });
    before = await publishedNotes(communityId);
    const fourth = await run(communityId, now + HOUR + 1);
    expect(fourth.notesWritten).toBeGreaterThan(0);
    await expectFullPublication(fourth, before);
  });
});
