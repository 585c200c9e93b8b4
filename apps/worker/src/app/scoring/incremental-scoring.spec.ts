import { Environment } from '@bridgenotes/config';
import {
  Prisma,
  PrismaClient,
  PrismaService,
  ScoringRun,
  ScoringRunStatus,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobQueue, QueueName, RescoreAllJob, ScoreCommunityJob } from '@bridgenotes/queue';
import { DEFAULT_TOPIC_SEEDS } from '@bridgenotes/scoring';
import { IncrementalBaseStore, writeSyntheticCommunity } from '@bridgenotes/scoring-store';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { BootedWorker, bootWorker, succeededRunOf } from '../../testing/booted-worker';

const run = currentTestRun();
/** As libs/scoring's frozen-scoring spec: the documented tolerance of incremental runs. */
const TOLERANCE = 0.05;
const FULL_AFTER_RATINGS = 1_000;
/** Topic seeds no note of the synthetic communities matches. */
const OTHER_SEEDS = [{ topic: 'Elsewhere', terms: ['zzyzx'] }];

/**
 * Incremental runs in the worker, on PostgreSQL and the queue: a run asked for by new ratings
 * scores only their notes against the last full run's frozen raters, and a full run still comes
 * on schedule, after enough new ratings, and with the periodic rescoring.
 */
describe('incremental scoring', () => {
  let booted: BootedWorker<ScoreCommunityJob | RescoreAllJob>;
  let prisma: PrismaClient;
  let queue: JobQueue<ScoreCommunityJob | RescoreAllJob>;

  beforeAll(async () => {
    process.env['SCORING_DEBOUNCE_SECONDS'] = '1';
    process.env['SCORING_FULL_RUN_INTERVAL_SECONDS'] = '3600';
    process.env['SCORING_FULL_RUN_AFTER_RATINGS'] = String(FULL_AFTER_RATINGS);
    booted = await bootWorker(QueueName.Scoring);
    ({ prisma, queue } = booted);
  });

  afterAll(() => booted?.close());

  /** A synthetic community of two camps (libs/scoring's generator), written as the API would. */
  async function community(): Promise<string> {
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug: `i-${id.slice(0, 8)}`, name: 'i', scope: communityScope(id).toString() },
    });
    const client = new Client({ connectionString: run.databaseUrl });
    await client.connect();
    try {
      await writeSyntheticCommunity(client, id, {
        seed: 13,
        raters: 400,
        notes: 300,
        ratings: 12_000,
      });
    } finally {
      await client.end();
    }
    return id;
  }

  /** Queues a run and waits for that run (the one its job serves, not another) to succeed. */
  async function runFor(communityId: string, full: boolean): Promise<ScoringRun> {
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId, ...(full ? { full } : {}) },
      { jobId: randomUUID() },
    );
    return succeededRunOf(booted, job.id as string);
  }

  /**
   * New ratings on `notes` notes by members who had not rated them: the first `perNote` raters
   * (in pseudonym order) not among each note's raters, helpful for even notes, not for odd.
   */
  async function rateNotes(communityId: string, notes: number, perNote: number) {
    const chosen = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM notes WHERE community_id = ${communityId}::uuid ORDER BY id LIMIT ${notes}`;
    const inserted = await prisma.$executeRaw`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
      SELECT gen_random_uuid(), ${communityId}::uuid, n.id, r.rater,
             (CASE WHEN n.position % 2 = 0 THEN 'HELPFUL' ELSE 'NOT_HELPFUL' END)::"Helpfulness",
             '{}', 29000000, '{}'::jsonb
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM notes
               WHERE id = ANY(${chosen.map((c) => c.id)}::uuid[])) n
        CROSS JOIN LATERAL (
          SELECT DISTINCT rater_pseudonym AS rater FROM ratings
           WHERE community_id = ${communityId}::uuid
             AND rater_pseudonym NOT IN (SELECT rater_pseudonym FROM ratings WHERE note_id = n.id)
           ORDER BY rater_pseudonym LIMIT ${perNote}) r`;
    return { noteIds: chosen.map((c) => c.id), inserted };
  }

  /**
   * Takes the community's latest 5 % of ratings (by minute) out, and returns a function that
   * writes them back as new ratings (with new change batches): the natural next ratings of the
   * same raters, as libs/scoring's frozen-scoring spec holds them back.
   */
  async function holdBackLatest(communityId: string) {
    const rows = await prisma.$queryRaw<
      { note_id: string; rater: string; helpfulness: string; tags: string[]; minute: number }[]
    >`
      DELETE FROM ratings WHERE community_id = ${communityId}::uuid AND client_minute >= (
        SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY client_minute) FROM ratings
         WHERE community_id = ${communityId}::uuid)
      RETURNING note_id, rater_pseudonym AS rater, helpfulness::text AS helpfulness, tags,
                client_minute AS minute`;
    const noteIds = [...new Set(rows.map((row) => row.note_id))];
    const writeBack = () => prisma.$executeRaw`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
      SELECT gen_random_uuid(), ${communityId}::uuid, v.note_id, v.rater, v.helpfulness::"Helpfulness",
             ARRAY(SELECT jsonb_array_elements_text(v.tags)), v.minute, '{}'::jsonb
        FROM unnest(${rows.map((r) => r.note_id)}::uuid[], ${rows.map((r) => r.rater)}::text[],
                    ${rows.map((r) => r.helpfulness)}::text[],
                    ${rows.map((r) => JSON.stringify(r.tags ?? []))}::jsonb[],
                    ${rows.map((r) => r.minute)}::int[]) AS v(note_id, rater, helpfulness, tags, minute)`;
    return { noteIds, ratings: rows.length, writeBack };
  }

  /** Each note's models' status (before stabilisation) in one run's kept scores. */
  async function modelStatuses(runId: string): Promise<Map<string, string>> {
    const rows = await prisma.$queryRaw<{ note_id: string; status: string }[]>`
      SELECT note_id, score->>'preStabilizationStatus' AS status FROM note_scores
       WHERE run_id = ${runId}::uuid`;
    return new Map(rows.map((row) => [row.note_id, row.status]));
  }

  // First, while its community is the only one: the periodic rescoring runs every community, and
  // the other case's would be scored in full again for nothing.
  it('runs in full on schedule: after enough new ratings, once the full run is old, and periodically', async () => {
    const communityId = await community();
    const full = await runFor(communityId, true);
    const { inserted } = await rateNotes(communityId, 200, 6);
    expect(inserted).toBeGreaterThanOrEqual(FULL_AFTER_RATINGS);
    const afterMany = await runFor(communityId, false);
    expect(afterMany).toMatchObject({ kind: 'FULL', noteCount: 300 });

    // The interval: the same store, one second allowed, asked one second after the run.
    const env = Object.assign(new Environment(), {
      SCORING_FULL_RUN_INTERVAL_SECONDS: 1,
      SCORING_FULL_RUN_AFTER_RATINGS: FULL_AFTER_RATINGS,
    });
    const store = new IncrementalBaseStore(prisma as PrismaService, env);
    const finishedMs = (afterMany.finishedAt as Date).getTime();
    expect(await store.baseFor(communityId, finishedMs + 500)).toMatchObject({
      baseRunId: afterMany.id,
    });
    expect(await store.baseFor(communityId, finishedMs + 1_000)).toEqual({
      full: 'the last full run is over 1 s old',
    });

    // The periodic rescoring is full even when an incremental run could serve. Its job is added
    // as its schedule would (which bootWorker turns off); the run it asks for is the community's
    // only new one, the latest requested.
    const earlier = (
      await prisma.scoringRun.findMany({ where: { communityId }, select: { id: true } })
    ).map((r) => r.id);
    await queue.add(JobName.RescoreAll, {}, { jobId: randomUUID() });
    const added = await eventually(async () => {
      const runs = await prisma.scoringRun.findMany({
        where: { communityId, id: { notIn: earlier } },
        orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      });
      if (runs[0]?.status !== ScoringRunStatus.SUCCEEDED)
        throw new Error('the periodic run has not succeeded yet');
      return runs;
    });
    expect(added).toHaveLength(1);
    const [periodic] = added as [ScoringRun];
    expect(periodic.kind).toBe('FULL');
    expect(full.id).not.toBe(periodic.id);
  });

  it('rescores only the rated notes against the last full run, as a full run would within the tolerance', async () => {
    const communityId = await community();
    const { noteIds, ratings, writeBack } = await holdBackLatest(communityId);
    const full = await runFor(communityId, true);
    expect(full.kind).toBe('FULL');
    expect(await prisma.scoringRunRaters.count({ where: { runId: full.id } })).toBe(1);
    expect(await writeBack()).toBe(ratings);
    expect(noteIds.length).toBeGreaterThan(20);
    const rated = noteIds.length;
    // Notes the full run holds at NMR (§10.2) are rescored too: their hold ends with time.
    const [{ held }] = await prisma.$queryRaw<[{ held: number }]>`
      SELECT count(*)::int AS held FROM notes
       WHERE community_id = ${communityId}::uuid AND NOT (id = ANY(${noteIds}::uuid[]))
         AND jsonb_typeof(status_history->'timestampMillisOfNmrDueToMinStableCrhTime') = 'number'`;
    const incremental = await runFor(communityId, false);
    expect(incremental).toMatchObject({
      kind: 'INCREMENTAL',
      baseRunId: full.id,
      noteCount: rated + held,
    });
    // Only the rescored notes carry the incremental run; the others keep the full run's results.
    const byRun = await prisma.note.groupBy({
      by: ['scoredRunId'],
      where: { communityId },
      _count: true,
    });
    expect(Object.fromEntries(byRun.map((g) => [g.scoredRunId, g._count]))).toEqual({
      [full.id]: 300 - rated - held,
      [incremental.id]: rated + held,
    });
    // The community's counts, not only the rescored notes'.
    const counts = incremental.statusCounts as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(300);

    // The same data scored in full: the rescored notes' statuses agree within the tolerance.
    const again = await runFor(communityId, true);
    expect(again.kind).toBe('FULL');
    const [fromIncremental, fromFull] = [
      await modelStatuses(incremental.id),
      await modelStatuses(again.id),
    ];
    const differing = noteIds.filter((id) => fromIncremental.get(id) !== fromFull.get(id));
    expect(fromIncremental.size).toBe(rated + held);
    expect(differing.length / noteIds.length).toBeLessThanOrEqual(TOLERANCE);
  });

  it('runs in full once a note has a topic, though the last full run had none', async () => {
    const communityId = await community();
    const full = await runFor(communityId, true);
    expect(await prisma.scoringRunRaters.count({ where: { runId: full.id } })).toBe(1);
    // A note mentioning one of the default seeds' terms ("scam"), on a post of the community,
    // rated by members who rated before.
    const [{ id: noteId }] = await prisma.$queryRaw<[{ id: string }]>`
      INSERT INTO notes (id, community_id, author_pseudonym, classification, post_id, reasons, text, sources)
      SELECT gen_random_uuid(), community_id, 'topic-author', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
             post_id, '{}', 'This giveaway is a scam', '{}'
        FROM notes WHERE community_id = ${communityId}::uuid ORDER BY id LIMIT 1
      RETURNING id`;
    await prisma.$executeRaw`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
      SELECT gen_random_uuid(), ${communityId}::uuid, ${noteId}::uuid, rater, 'HELPFUL', '{}', 29000000, '{}'::jsonb
        FROM (SELECT DISTINCT rater_pseudonym AS rater FROM ratings
               WHERE community_id = ${communityId}::uuid ORDER BY rater_pseudonym LIMIT 6) r`;
    // The assignment reads the notes a page at a time: the same over many small pages.
    const store = () => new IncrementalBaseStore(prisma as PrismaService, new Environment());
    const topicNotes = await store().topicNotes(communityId);
    expect(topicNotes).toBeGreaterThan(0);
    // Another store: one remembers its last assignment and would not read again.
    expect(await store().topicNotes(communityId, 7)).toBe(topicNotes);
    const next = await runFor(communityId, false);
    expect(next).toMatchObject({ kind: 'FULL', noteCount: 301 });
    // Scored with its topic: a full run with topic notes keeps no frozen raters.
    expect(await prisma.scoringRunRaters.count({ where: { runId: next.id } })).toBe(0);
  });

  it('assigns the topics again only when a note or the seeds changed', async () => {
    const communityId = await community();
    const store = new IncrementalBaseStore(prisma as PrismaService, new Environment());
    const reads = jest.spyOn(prisma, '$queryRaw');
    try {
      expect(await store.topicNotes(communityId, 100)).toBe(0);
      const first = reads.mock.calls.length;
      // Nothing changed (ratings do not count): one statement, no note read.
      expect(await store.topicNotes(communityId, 100)).toBe(0);
      expect(reads.mock.calls.length - first).toBe(1);
      // A note's text changed (as a redaction or a new note would): read and assigned again.
      await prisma.$executeRaw`
        UPDATE notes SET text = 'This giveaway is a scam'
         WHERE id = (SELECT id FROM notes WHERE community_id = ${communityId}::uuid ORDER BY id LIMIT 1)`;
      expect(await store.topicNotes(communityId, 100)).toBeGreaterThan(0);
    } finally {
      reads.mockRestore();
    }
  });

  it('runs in full when the topic seeds changed since the last full run, though no note has a topic', async () => {
    const communityId = await community();
    const full = await runFor(communityId, true);
    expect(full.topicSeeds).toEqual(DEFAULT_TOPIC_SEEDS);
    // Seeds no note matches: a topic note would make the run full anyway.
    await prisma.community.update({
      where: { id: communityId },
      data: { topicSeeds: OTHER_SEEDS },
    });
    await rateNotes(communityId, 5, 2);
    const store = new IncrementalBaseStore(prisma as PrismaService, new Environment());
    expect(await store.topicNotes(communityId)).toBe(0);
    expect(await store.baseFor(communityId, Date.now())).toEqual({
      full: 'the last full run scored with other topic seeds',
    });
    const next = await runFor(communityId, false);
    expect(next).toMatchObject({ kind: 'FULL', topicSeeds: OTHER_SEEDS });
    // Its seeds are the community's: it serves the next run. A run from before the seeds were
    // kept does not.
    expect(await store.baseFor(communityId, Date.now())).toMatchObject({ baseRunId: next.id });
    await prisma.scoringRun.update({ where: { id: next.id }, data: { topicSeeds: Prisma.DbNull } });
    expect(await store.baseFor(communityId, Date.now())).toEqual({
      full: 'the last full run did not record its topic seeds',
    });
  });

  it('runs in full when the topic seeds change between its planning on a base and its load', async () => {
    const communityId = await community();
    await runFor(communityId, true);
    await rateNotes(communityId, 5, 2);
    const bases = booted.worker.get(IncrementalBaseStore);
    const plan = bases.baseFor.bind(bases);
    let planned: unknown;
    const planning = jest.spyOn(bases, 'baseFor').mockImplementationOnce(async (...args) => {
      planned = await plan(...args);
      await prisma.community.update({
        where: { id: communityId },
        data: { topicSeeds: OTHER_SEEDS },
      });
      return planned as Awaited<ReturnType<typeof plan>>;
    });
    try {
      const next = await runFor(communityId, false);
      expect(planned).toHaveProperty('baseRunId');
      expect(next).toMatchObject({ kind: 'FULL', topicSeeds: OTHER_SEEDS });
    } finally {
      planning.mockRestore();
    }
  });

  it('runs in full when the last full run ran another algorithm', async () => {
    const communityId = await community();
    const full = await runFor(communityId, true);
    await prisma.scoringRun.update({
      where: { id: full.id },
      data: { algorithmVersion: 'an-earlier-version' },
    });
    await rateNotes(communityId, 5, 2);
    expect(await runFor(communityId, false)).toMatchObject({ kind: 'FULL', noteCount: 300 });
  });

  it("takes the full run with the latest cut as the base, whatever the workers' clocks said", async () => {
    const communityId = await community();
    const earlier = await runFor(communityId, true);
    await rateNotes(communityId, 5, 2);
    const later = await runFor(communityId, true);
    // The later run's worker had its clock a minute behind the earlier one's.
    await prisma.scoringRun.update({
      where: { id: later.id },
      data: { finishedAt: new Date((earlier.finishedAt as Date).getTime() - 60_000) },
    });
    const store = new IncrementalBaseStore(prisma as PrismaService, new Environment());
    expect(await store.baseFor(communityId, Date.now())).toMatchObject({
      baseRunId: later.id,
      since: later.changedThrough,
    });
  });
});
