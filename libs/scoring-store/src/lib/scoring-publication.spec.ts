import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService, ScoringRunStore } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import {
  computeStandings,
  DEFAULT_SEED,
  explainNote,
  NoteStatus as CoreStatus,
  scoreNotes,
  ScoringResult,
  shownStatus,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';
import { currentTestRun } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ScoringInputLoader, type LoadedInput } from './scoring-input.loader';
import { ReplacedRatingsStore } from './replaced-ratings.store';
import { HistoriesReplaced, RunSuperseded, ScoringPublisher } from './scoring.publisher';
import { writeSyntheticCommunity } from './synthetic-community.writer';

const NOTES = 6_000;

/** What one read of the community saw, in one statement (one snapshot). */
interface Observation {
  published: number;
  total: number;
  staged: number;
}

/** Where an attempt's publisher waits, while the test runs another attempt of the run. */
interface Pause {
  /** Before its first staging statement whose text matches. */
  staging?: { at: RegExp; meanwhile: () => Promise<void> };
  /** Before its flip's transaction. */
  flip?: () => Promise<void>;
}

/**
 * A large publication (6,000 notes, two staging batches) against PostgreSQL while another session
 * keeps reading the notes: the reader sees either none or all of the run's results, though the
 * run's rows were written before the flip, outside its transaction. More notes only cost more to
 * write, score and publish: past one batch (`CHUNK`, 5,000) the staging already spans statements.
 * Then attempts of one run interleaved, as a worker that lost its job's lock and kept going does
 * beside the retry that overtook it.
 */
describe('scoring publication', () => {
  const run = currentTestRun();
  let prisma: PrismaClient;
  let env: Environment;
  let runs: ScoringRunStore;

  beforeAll(() => {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: run.databaseUrl }) });
    env = Object.assign(new Environment(), { DATABASE_URL: run.databaseUrl });
    runs = new ScoringRunStore(prisma as PrismaService);
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it('publishes a large run, and a reader never sees half of it', async () => {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `p-${communityId.slice(0, 8)}`,
        name: 'p',
        scope: communityScope(communityId).toString(),
      },
    });
    const writer = new Client({ connectionString: run.databaseUrl });
    const reader = new Client({ connectionString: run.databaseUrl });
    await writer.connect();
    await reader.connect();
    try {
      await writeSyntheticCommunity(writer, communityId, {
        seed: 5,
        raters: 600,
        notes: NOTES,
        ratings: 4 * NOTES,
      });
      const loaded = await new ScoringInputLoader(env).load(communityId, Date.now());
      const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
      const { id: runId } = await runs.request(communityId);
      expect(await runs.start(runId, communityId)).toBe(1);

      const observations: Observation[] = [];
      let publishing = true;
      const observe = async (): Promise<Observation> => {
        const { rows } = await reader.query<Observation>(
          `SELECT count(*) FILTER (WHERE scored_run_id = $1)::int AS published, count(*)::int AS total,
                  (SELECT count(*) FROM staged_note_results WHERE run_id = $1)::int AS staged
             FROM notes WHERE community_id = $2`,
          [runId, communityId],
        );
        return rows[0] as Observation;
      };
      const reading = (async () => {
        while (publishing) observations.push(await observe());
      })();
      const published = await publisher()
        .publish({ runId, attempt: 1 }, loaded, result, DEFAULT_SEED)
        .finally(() => (publishing = false));
      await reading;

      expect(published.notesWritten).toBe(NOTES);
      const after = await observe();
      expect(after).toEqual({ published: NOTES, total: NOTES, staged: 0 });
      // The reader read while the run was staged but not yet flipped…
      expect(observations.some((o) => o.staged > 0 && o.published === 0)).toBe(true);
      // …and never saw a note of the run before all of them were.
      for (const o of observations) expect([0, o.total]).toContain(o.published);
      const record = await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } });
      expect(record).toMatchObject({ status: 'SUCCEEDED', kind: 'FULL', noteCount: NOTES });
      expect(record.changedThrough).toBe(loaded.changedThrough);
    } finally {
      await writer.end();
      await reader.end();
    }
  });

  /** A run of the community, requested and started: its first attempt. */
  async function startedRun(communityId: string): Promise<string> {
    const { id } = await runs.request(communityId);
    expect(await runs.start(id, communityId)).toBe(1);
    return id;
  }

  /** A community of 40 notes of its own, and its input loaded now. */
  async function smallCommunity(
    seed: number,
  ): Promise<{ communityId: string; loaded: LoadedInput }> {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `o-${communityId.slice(0, 8)}`,
        name: 'o',
        scope: communityScope(communityId).toString(),
      },
    });
    const writer = new Client({ connectionString: run.databaseUrl });
    await writer.connect();
    try {
      await writeSyntheticCommunity(writer, communityId, {
        seed,
        raters: 60,
        notes: 40,
        ratings: 600,
      });
    } finally {
      await writer.end();
    }
    return { communityId, loaded: await new ScoringInputLoader(env).load(communityId, Date.now()) };
  }

  /**
   * A publisher, as one attempt's worker runs it; given a pause, on a client that waits where it
   * says (each staging statement goes through `$executeRaw` or `$queryRaw`, outside the flip's
   * transaction).
   */
  function publisher(pause: Pause = {}): ScoringPublisher {
    let staging = pause.staging;
    const client = new Proxy(prisma, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const call = (...args: unknown[]): unknown => value.apply(target, args);
        if (key === '$transaction' && pause.flip) {
          const flip = pause.flip;
          return async (...args: unknown[]) => {
            await flip();
            return call(...args);
          };
        }
        if (key !== '$executeRaw' && key !== '$queryRaw') return call;
        return async (sql: TemplateStringsArray, ...values: unknown[]) => {
          if (staging && staging.at.test(sql.join('?'))) {
            const { meanwhile } = staging;
            staging = undefined;
            await meanwhile();
          }
          return call(sql, ...values);
        };
      },
    });
    return new ScoringPublisher(client as PrismaService, env, runs, new ReplacedRatingsStore());
  }

  /**
   * Checks the community's notes and standings hold exactly what `result` publishes, by `runId`,
   * with the frozen raters `frozen`, and that nothing of the run is left staged.
   */
  async function expectPublishedExactly(
    runId: string,
    { input }: LoadedInput,
    result: ScoringResult,
    frozen: Uint8Array,
  ): Promise<void> {
    const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    const notes = await prisma.note.findMany({
      where: { id: { in: [...input.noteIds] } },
      select: { id: true, status: true, score: true, statusHistory: true, scoredRunId: true },
    });
    expect(notes.sort(byId)).toEqual(
      input.noteIds
        .map((id, index) => ({
          id,
          status: shownStatus(result.finalStatus[index] as CoreStatus),
          score: json(explainNote(result, index)),
          statusHistory: json(statusHistoryToJson(result.history?.[index] as NoteStatusHistory)),
          scoredRunId: runId,
        }))
        .sort(byId),
    );
    const byPseudonym = (a: { pseudonym: string }, b: { pseudonym: string }) =>
      a.pseudonym < b.pseudonym ? -1 : 1;
    expect(
      (
        await prisma.pseudonymStanding.findMany({
          where: { runId },
          omit: { communityId: true, runId: true },
        })
      ).sort(byPseudonym),
    ).toEqual(computeStandings(input, result).sort(byPseudonym));
    expect(await prisma.scoringRunRaters.findUnique({ where: { runId } })).toEqual({
      runId,
      state: frozen,
    });
    expect(await prisma.stagedNoteResult.count({ where: { runId } })).toBe(0);
    expect(await prisma.stagedStanding.count({ where: { runId } })).toBe(0);
  }

  /** Settles when `promise` does, whether it resolves or rejects. */
  const settled = (promise: Promise<unknown>): Promise<void> =>
    promise.then(
      () => undefined,
      () => undefined,
    );

  it("announces a run's changes in pages of WEBHOOK_PAGE_CHANGES, each with the run's publication as its sequence", async () => {
    const { communityId } = await smallCommunity(31);
    await prisma.community.update({
      where: { id: communityId },
      data: { webhookUrl: 'https://receiver.example/hooks', webhookSecret: 'x'.repeat(24) },
    });
    const paged = new ScoringPublisher(
      prisma as PrismaService,
      Object.assign(new Environment(), env, { WEBHOOK_PAGE_CHANGES: 3 }),
      runs,
      new ReplacedRatingsStore(),
    );
    /** A run over every note shown helpful, which leaves most of them NEEDS_MORE_RATINGS. */
    const publishChanges = async () => {
      await prisma.note.updateMany({
        where: { communityId },
        data: { status: 'CURRENTLY_RATED_HELPFUL' },
      });
      const loaded = await new ScoringInputLoader(env).load(communityId, Date.now());
      const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
      const runId = await startedRun(communityId);
      await paged.publish({ runId, attempt: 1 }, loaded, result, DEFAULT_SEED);
      const record = await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } });
      const changes = await prisma.noteStatusChange.findMany({
        where: { runId },
        select: { noteId: true, previous: true, next: true },
        orderBy: { id: 'asc' },
      });
      const deliveries = await prisma.webhookDelivery.findMany({
        where: { runId },
        orderBy: { page: 'asc' },
      });
      return { runId, record, changes, deliveries };
    };

    const first = await publishChanges();
    const pages = Math.ceil(first.changes.length / 3);
    expect(pages).toBeGreaterThan(2);
    expect(
      first.deliveries.map(({ sequence, page, payload }) => ({ sequence, page, payload })),
    ).toEqual(
      Array.from({ length: pages }, (_, index) => ({
        sequence: first.record.publication,
        page: index + 1,
        payload: {
          type: 'note-status.changed',
          community: `o-${communityId.slice(0, 8)}`,
          runId: first.runId,
          sequence: first.record.publication,
          page: index + 1,
          pages,
          at: first.record.finishedAt?.toISOString(),
          changes: first.changes.slice(index * 3, index * 3 + 3),
        },
      })),
    );
    // The next publication's events come after, whatever the workers' clocks say.
    const second = await publishChanges();
    expect(second.deliveries.length).toBeGreaterThan(0);
    for (const { sequence } of second.deliveries) {
      expect(sequence).toBe(second.record.publication);
      expect(sequence).toBeGreaterThan(first.record.publication ?? Infinity);
    }
  });

  it('rolls back the publication of an attempt another attempt has overtaken', async () => {
    const { communityId, loaded } = await smallCommunity(6);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const { id: runId } = await runs.request(communityId);
    // The first attempt lost its job's lock; the second started while it kept going.
    expect(await runs.start(runId, communityId)).toBe(1);
    expect(await runs.start(runId, communityId)).toBe(2);
    await expect(
      publisher().publish({ runId, attempt: 1 }, loaded, result, DEFAULT_SEED),
    ).rejects.toThrow(/another attempt/);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: runId } })).toBe(0);
    await publisher().publish({ runId, attempt: 2 }, loaded, result, DEFAULT_SEED);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: runId } })).toBe(
      loaded.noteCount,
    );
  });

  it('refuses to publish a run that read older data than a run already published', async () => {
    const { communityId, loaded: older } = await smallCommunity(9);
    // Writes to another community move the change counter on: a later cut of the same data.
    await smallCommunity(10);
    const newer = await new ScoringInputLoader(env).load(communityId, Date.now());
    expect(newer.changedThrough).toBeGreaterThan(older.changedThrough);
    const result = scoreNotes(older.input, { seed: DEFAULT_SEED, nowMs: older.nowMs });
    // The older run's lease lapsed while it scored; the newer run took it and published first.
    const { id: olderRun } = await runs.request(communityId);
    const { id: newerRun } = await runs.request(communityId);
    expect(await runs.start(olderRun, communityId)).toBe(1);
    expect(await runs.start(newerRun, communityId)).toBe(1);
    await publisher().publish({ runId: newerRun, attempt: 1 }, newer, result, DEFAULT_SEED);

    await expect(
      publisher().publish({ runId: olderRun, attempt: 1 }, older, result, DEFAULT_SEED),
    ).rejects.toThrow(`run ${newerRun} already published`);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: olderRun } })).toMatchObject({
      status: 'RUNNING',
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: newerRun } })).toBe(
      newer.noteCount,
    );
  });

  it('refuses to publish a run of the same cut as one already published, but of an older time', async () => {
    // A full run outlived its lease; the next run read the same writes an hour later, when a
    // note's stabilisation hold had ended, and published first: the older histories must not
    // come back over it.
    const { communityId, loaded: older } = await smallCommunity(12);
    const newer = await new ScoringInputLoader(env).load(communityId, older.nowMs + 3_600_000);
    expect(newer.changedThrough).toBe(older.changedThrough);
    const olderResult = scoreNotes(older.input, { seed: DEFAULT_SEED, nowMs: older.nowMs });
    const newerResult = scoreNotes(newer.input, { seed: DEFAULT_SEED, nowMs: newer.nowMs });
    const { id: olderRun } = await runs.request(communityId);
    const { id: newerRun } = await runs.request(communityId);
    expect(await runs.start(olderRun, communityId)).toBe(1);
    expect(await runs.start(newerRun, communityId)).toBe(1);
    await publisher().publish({ runId: newerRun, attempt: 1 }, newer, newerResult, DEFAULT_SEED);

    await expect(
      publisher().publish({ runId: olderRun, attempt: 1 }, older, olderResult, DEFAULT_SEED),
    ).rejects.toThrow(RunSuperseded);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: olderRun } })).toMatchObject({
      status: 'RUNNING',
    });
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: newerRun } })).toMatchObject({
      nowAt: new Date(newer.nowMs),
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: newerRun } })).toBe(
      newer.noteCount,
    );
    expect(await prisma.noteStatusChange.count({ where: { runId: olderRun } })).toBe(0);

    // A run of that cut and a later time still publishes after it, as an incremental run does
    // after a full one when nothing was written in between.
    const later = await new ScoringInputLoader(env).load(communityId, newer.nowMs + 60_000);
    const { id: laterRun } = await runs.request(communityId);
    expect(await runs.start(laterRun, communityId)).toBe(1);
    await publisher().publish(
      { runId: laterRun, attempt: 1 },
      later,
      scoreNotes(later.input, { seed: DEFAULT_SEED, nowMs: later.nowMs }),
      DEFAULT_SEED,
    );
    expect(await prisma.note.count({ where: { communityId, scoredRunId: laterRun } })).toBe(
      later.noteCount,
    );
  });

  it('refuses a run whose load began before another run published, though it read later writes', async () => {
    // The older run's lease lapsed while it scored; the newer run took it and loaded later
    // writes, then the older run published: the newer one's starting histories are replaced.
    const { communityId, loaded: older } = await smallCommunity(15);
    await smallCommunity(16);
    const newer = await new ScoringInputLoader(env).load(communityId, Date.now());
    expect(newer.changedThrough).toBeGreaterThan(older.changedThrough);
    const { id: olderRun } = await runs.request(communityId);
    const { id: newerRun } = await runs.request(communityId);
    expect(await runs.start(olderRun, communityId)).toBe(1);
    expect(await runs.start(newerRun, communityId)).toBe(1);
    const olderResult = scoreNotes(older.input, { seed: DEFAULT_SEED, nowMs: older.nowMs });
    await publisher().publish({ runId: olderRun, attempt: 1 }, older, olderResult, DEFAULT_SEED);

    const newerResult = scoreNotes(newer.input, { seed: DEFAULT_SEED, nowMs: newer.nowMs });
    await expect(
      publisher().publish({ runId: newerRun, attempt: 1 }, newer, newerResult, DEFAULT_SEED),
    ).rejects.toThrow(new HistoriesReplaced(newerRun, olderRun).message);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: newerRun } })).toMatchObject({
      status: 'RUNNING',
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: olderRun } })).toBe(
      older.noteCount,
    );
    // Its next attempt loads again, from the histories the older run left, and publishes.
    expect(await runs.start(newerRun, communityId)).toBe(2);
    const reloaded = await new ScoringInputLoader(env).load(communityId, Date.now());
    await publisher().publish(
      { runId: newerRun, attempt: 2 },
      reloaded,
      scoreNotes(reloaded.input, { seed: DEFAULT_SEED, nowMs: reloaded.nowMs }),
      DEFAULT_SEED,
    );
    expect(
      await prisma.scoringRun.findMany({
        where: { communityId },
        select: { id: true, publication: true },
        orderBy: { publication: 'asc' },
      }),
    ).toEqual([
      { id: olderRun, publication: 1 },
      { id: newerRun, publication: 2 },
    ]);
  });

  it("reports an overtaken attempt as such, though its own run's later attempt published the same cut", async () => {
    const { communityId, loaded } = await smallCommunity(13);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const { id: runId } = await runs.request(communityId);
    expect(await runs.start(runId, communityId)).toBe(1);
    // The first attempt staged everything; before its flip, a retry started and published the
    // same writes at a later time.
    const retried = await new ScoringInputLoader(env).load(communityId, loaded.nowMs + 60_000);
    await expect(
      publisher({
        flip: async () => {
          expect(await runs.start(runId, communityId)).toBe(2);
          await publisher().publish(
            { runId, attempt: 2 },
            retried,
            scoreNotes(retried.input, { seed: DEFAULT_SEED, nowMs: retried.nowMs }),
            DEFAULT_SEED,
          );
        },
      }).publish({ runId, attempt: 1 }, loaded, result, DEFAULT_SEED),
    ).rejects.toThrow(/another attempt/);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      nowAt: new Date(retried.nowMs),
    });
  });

  it('refuses an incremental run whose base a newer full run replaced, for a retry on the new base', async () => {
    const { communityId, loaded } = await smallCommunity(11);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const started = () => startedRun(communityId);
    const base = await started();
    await publisher().publish({ runId: base, attempt: 1 }, loaded, result, DEFAULT_SEED, {
      frozenRaters: new Uint8Array([1]),
    });
    // The incremental run planned on `base`; its lease lapsed, and a full run, loaded after
    // `base` published (of the same cut and time, as the incremental run's), published first.
    const incremental = await started();
    const full = await started();
    const fresh = await new ScoringInputLoader(env).load(communityId, loaded.nowMs);
    await publisher().publish({ runId: full, attempt: 1 }, fresh, result, DEFAULT_SEED, {
      frozenRaters: new Uint8Array([2]),
    });

    await expect(
      publisher().publish({ runId: incremental, attempt: 1 }, loaded, result, DEFAULT_SEED, {
        incremental: { baseRunId: base, baseRaterFactor: new Float64Array(0) },
      }),
    ).rejects.toThrow(`scored on run ${base}, which a newer full run has replaced`);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: incremental } })).toMatchObject(
      { status: 'RUNNING' },
    );
    expect(await prisma.note.count({ where: { communityId, scoredRunId: full } })).toBe(
      loaded.noteCount,
    );
  });

  // The older attempt pauses just before one of its staging writes; meanwhile the newer attempt
  // starts and stages everything, and waits before its flip until the older one is done.
  it.each([
    ['clearing the staging', /DELETE FROM staged_note_results/],
    ['staging note results', /INSERT INTO staged_note_results/],
    ['staging standings', /INSERT INTO staged_standings/],
    ['keeping frozen raters', /INSERT INTO scoring_run_raters/],
  ])(
    'refuses an overtaken attempt %s, and the newer attempt publishes exactly its own rows',
    async (_, at) => {
      const { communityId, loaded } = await smallCommunity(7);
      // Another seed: results that differ from the newer attempt's in (nearly) every explanation.
      const older = scoreNotes(loaded.input, { seed: DEFAULT_SEED + 1, nowMs: loaded.nowMs });
      const newer = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
      expect(explainNote(older, 0)).not.toEqual(explainNote(newer, 0));
      // Any bytes serve: the publisher keeps a full run's frozen raters as it is given them.
      const [olderRaters, newerRaters] = [new Uint8Array([1]), new Uint8Array([2])];
      const { id: runId } = await runs.request(communityId);
      expect(await runs.start(runId, communityId)).toBe(1);

      let olderDone: Promise<void> = Promise.resolve();
      let newerPublished: Promise<unknown> = Promise.resolve();
      const olderPublished = publisher({
        staging: {
          at,
          meanwhile: async () => {
            expect(await runs.start(runId, communityId)).toBe(2);
            let flipping: () => void = () => undefined;
            const newerStaged = new Promise<void>((resolve) => (flipping = resolve));
            newerPublished = publisher({
              flip: async () => {
                flipping();
                await olderDone;
              },
            }).publish({ runId, attempt: 2 }, loaded, newer, DEFAULT_SEED, {
              frozenRaters: newerRaters,
            });
            await Promise.race([newerStaged, newerPublished]);
          },
        },
      }).publish({ runId, attempt: 1 }, loaded, older, DEFAULT_SEED, {
        frozenRaters: olderRaters,
      });
      olderDone = settled(olderPublished);

      await expect(olderPublished).rejects.toThrow(/another attempt/);
      await newerPublished;
      expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
        status: 'SUCCEEDED',
        attempts: 2,
      });
      await expectPublishedExactly(runId, loaded, newer, newerRaters);
    },
  );

  it("drops a failed full run's frozen raters with its staging, and keeps a succeeded run's", async () => {
    const { communityId, loaded } = await smallCommunity(14);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const started = () => startedRun(communityId);
    const base = await started();
    await publisher().publish({ runId: base, attempt: 1 }, loaded, result, DEFAULT_SEED, {
      frozenRaters: new Uint8Array([4]),
    });
    // A full run, loaded after `base` published, staged everything, its raters too, and failed
    // for good before its flip (its job was lost, say); the cleanup runs as the worker's failure
    // hook and watcher run it.
    const failing = await started();
    const fresh = await new ScoringInputLoader(env).load(communityId, Date.now());
    await expect(
      publisher({
        flip: async () => {
          expect(await runs.fail(failing, 'JOB_LOST', 1)).toBe(true);
        },
      }).publish({ runId: failing, attempt: 1 }, fresh, result, DEFAULT_SEED, {
        frozenRaters: new Uint8Array([5]),
      }),
    ).rejects.toThrow(/no longer running/);
    expect(await prisma.scoringRunRaters.count({ where: { runId: failing } })).toBe(1);
    await publisher().clearFinished(failing);
    await publisher().clearFinished(base);

    expect(await prisma.scoringRunRaters.count({ where: { runId: failing } })).toBe(0);
    expect(await prisma.stagedNoteResult.count({ where: { runId: failing } })).toBe(0);
    expect(await prisma.stagedStanding.count({ where: { runId: failing } })).toBe(0);
    expect(await prisma.scoringRunRaters.findUnique({ where: { runId: base } })).toEqual({
      runId: base,
      state: new Uint8Array([4]),
    });
  });

  it("leaves the live attempt's staging alone when an overtaken attempt's final failure cleans up", async () => {
    const { communityId, loaded } = await smallCommunity(8);
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const frozen = new Uint8Array([3]);
    const { id: runId } = await runs.request(communityId);
    expect(await runs.start(runId, communityId)).toBe(1);
    expect(await runs.start(runId, communityId)).toBe(2);
    // The newer attempt has staged everything when the older one's job fails for good, and
    // cleans up as the worker's failure hook does.
    await publisher({
      flip: async () => {
        await runs.fail(runId, 'STALLED', 1);
        await publisher().clearFinished(runId);
      },
    }).publish({ runId, attempt: 2 }, loaded, result, DEFAULT_SEED, { frozenRaters: frozen });
    await expectPublishedExactly(runId, loaded, result, frozen);
  });
});
