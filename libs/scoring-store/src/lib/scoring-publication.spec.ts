import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService, ScoringRunStore } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { currentTestRun } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ScoringInputLoader } from './scoring-input.loader';
import { ReplacedRatingsStore } from './replaced-ratings.store';
import { ScoringPublisher } from './scoring.publisher';
import { writeSyntheticCommunity } from './synthetic-community.writer';

const NOTES = 6_000;

/** What one read of the community saw, in one statement (one snapshot). */
interface Observation {
  published: number;
  total: number;
  staged: number;
}

/**
 * A large publication (6,000 notes, two staging batches) against PostgreSQL while another session
 * keeps reading the notes: the reader sees either none or all of the run's results, though the
 * run's rows were written before the flip, outside its transaction. More notes only cost more to
 * write, score and publish: past one batch (`CHUNK`, 5,000) the staging already spans statements.
 */
describe('scoring publication', () => {
  const run = currentTestRun();
  let prisma: PrismaClient;

  beforeAll(() => {
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: run.databaseUrl }) });
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
      const env = Object.assign(new Environment(), { DATABASE_URL: run.databaseUrl });
      const runs = new ScoringRunStore(prisma as PrismaService);
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
      const published = await new ScoringPublisher(
        prisma as PrismaService,
        env,
        runs,
        new ReplacedRatingsStore(),
      )
        .publish(runId, loaded, result, DEFAULT_SEED)
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

  it('rolls back the publication of an attempt another attempt has overtaken', async () => {
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
        seed: 6,
        raters: 60,
        notes: 40,
        ratings: 600,
      });
    } finally {
      await writer.end();
    }
    const env = Object.assign(new Environment(), { DATABASE_URL: run.databaseUrl });
    const runs = new ScoringRunStore(prisma as PrismaService);
    const publisher = new ScoringPublisher(
      prisma as PrismaService,
      env,
      runs,
      new ReplacedRatingsStore(),
    );
    const loaded = await new ScoringInputLoader(env).load(communityId, Date.now());
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    const { id: runId } = await runs.request(communityId);
    // The first attempt lost its job's lock; the second started while it kept going.
    expect(await runs.start(runId, communityId)).toBe(1);
    expect(await runs.start(runId, communityId)).toBe(2);
    await expect(
      publisher.publish(runId, loaded, result, DEFAULT_SEED, { attempt: 1 }),
    ).rejects.toThrow(/another attempt/);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: runId } })).toBe(0);
    await publisher.publish(runId, loaded, result, DEFAULT_SEED, { attempt: 2 });
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await prisma.note.count({ where: { communityId, scoredRunId: runId } })).toBe(
      loaded.noteCount,
    );
  });
});
