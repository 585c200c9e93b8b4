// Over 400 lines on purpose: one booted worker module, its queue and the community-planting
// helpers serve every scoring scenario (stabilisation, determinism, leases, debouncing, failures);
// split, each file would boot its own worker and repeat the helpers.
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  Helpfulness,
  NoteClassification,
  NoteStatus,
  PrismaClient,
  runFailureReason,
  ScoringRun,
  ScoringRunStatus,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobQueue, QueueName, RescoreAllJob, ScoreCommunityJob } from '@bridgenotes/queue';
import {
  canonicalStatusHistory,
  DEFAULT_SEED,
  generateSyntheticCommunity,
  HelpfulnessLevel,
  orderedId,
  RaterKind,
  DEFAULT_TOPIC_SEEDS,
  scoreNotes,
  statusHistoryFromJson,
  type NoteStatusHistory,
  type SyntheticOptions,
} from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';
import { eventually } from '@bridgenotes/testing';
import { createHash, randomUUID } from 'node:crypto';

import { BootedWorker, bootWorker, succeededRunOf } from '../../testing/booted-worker';
import { stageStanding } from '../../testing/staged-standing';
import { WorkerModule } from '../worker.module';
import { ScoreCommunityHandler } from './score-community.handler';
import { ScoringEventsDispatcher } from './scoring-events.dispatcher';
import { ScoringLease } from './scoring-lease';

const HELPFULNESS: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: Helpfulness.HELPFUL,
  [HelpfulnessLevel.SomewhatHelpful]: Helpfulness.SOMEWHAT_HELPFUL,
  [HelpfulnessLevel.NotHelpful]: Helpfulness.NOT_HELPFUL,
};

type CommunitySize = Pick<SyntheticOptions, 'raters' | 'notes' | 'ratings'>;
/**
 * Camps of over 120 raters, as the one-sided note needs, and large enough for the general regime
 * to decide (at 200 raters the meta-scoring hands the notes to the opinion groups, and the drift
 * guard's lock is not what decides); no larger: writing the community through Prisma and each
 * run cost more with every rating (400 raters and 12,000 ratings before).
 */
const CAMPS: CommunitySize = { raters: 300, notes: 225, ratings: 9_000 };
/** A community to run over and over, whose statuses nobody reads. */
const SMALL: CommunitySize = { raters: 100, notes: 60, ratings: 1_500 };

describe('scoring worker', () => {
  let booted: BootedWorker<ScoreCommunityJob | RescoreAllJob>;
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let queue: JobQueue<ScoreCommunityJob | RescoreAllJob>;

  beforeAll(async () => {
    process.env['SCORING_DEBOUNCE_SECONDS'] = '1';
    process.env['SCORE_RETENTION_RUNS'] = '2';
    // A job that finds its community's lease taken retries this soon rather than in 5 s: the
    // lease cases below would otherwise spend most of their time waiting for retries.
    process.env['SCORING_BUSY_RETRY_MS'] = '250';
    // Every run here is full: these scenarios read whole-community runs (incremental runs have
    // their own spec, incremental-scoring.spec.ts).
    process.env['SCORING_FULL_RUN_INTERVAL_SECONDS'] = '0';
    booted = await bootWorker(QueueName.Scoring);
    ({ worker, prisma, queue } = booted);
  });

  afterAll(() => booted?.close());

  async function createCommunity(): Promise<{ id: string; postId: string }> {
    const id = randomUUID();
    await prisma.community.create({
      data: { id, slug: `w-${id.slice(0, 8)}`, name: 'w', scope: communityScope(id).toString() },
    });
    const post = await prisma.post.create({ data: { platform: 'test', externalId: id } });
    return { id, postId: post.id };
  }

  /**
   * A synthetic community of two camps plus neutrals (so viewpoints are well determined), written
   * to the database as the API would, with hand-made notes rated by chosen members of each camp.
   */
  async function plantedCommunity(size: CommunitySize) {
    const { id: communityId, postId } = await createCommunity();
    const notes: { id: string; misleading: boolean; createdAtMs: number; author: string }[] = [];
    const ratings: {
      noteId: string;
      rater: string;
      level: HelpfulnessLevel;
      atMs: number;
      tags?: string[];
    }[] = [];
    const noteIds = new Map<string, string>();
    const truth = generateSyntheticCommunity(
      { seed: 7, ...size },
      {
        note(id, authorId, createdAtMs, misleading) {
          noteIds.set(id, orderedId(noteIds.size));
          notes.push({ id: noteIds.get(id) as string, misleading, createdAtMs, author: authorId });
        },
        rating(noteId, raterId, level, atMs) {
          ratings.push({ noteId: noteIds.get(noteId) as string, rater: raterId, level, atMs });
        },
      },
    );
    const camp = (kind: RaterKind) =>
      truth.raterIds.filter((_, index) => truth.raterKind[index] === kind);
    const [campA, campB] = [camp(RaterKind.CampA), camp(RaterKind.CampB)];
    // Raters explain themselves with two tags: a note shown as helpful needs two explanation
    // tags, each used by two of its ratings (InsufficientExplanation).
    const planted = (raters: [string[], HelpfulnessLevel][]) => {
      const id = orderedId(notes.length);
      const createdAtMs = Date.UTC(2026, 0, 10);
      notes.push({ id, misleading: true, createdAtMs, author: 'planted-author' });
      for (const [members, level] of raters) {
        const tags =
          level === HelpfulnessLevel.Helpful ? ['CLEAR', 'INFORMATIVE'] : ['MISSING_KEY_POINTS'];
        for (const rater of members)
          ratings.push({ noteId: id, rater, level, atMs: createdAtMs + 3_600_000, tags });
      }
      return id;
    };
    const bridging = planted([
      [campA.slice(0, 12), HelpfulnessLevel.Helpful],
      [campB.slice(0, 12), HelpfulnessLevel.Helpful],
    ]);
    const oneSided = planted([
      [campA.slice(0, 120), HelpfulnessLevel.Helpful],
      [campB.slice(0, 40), HelpfulnessLevel.NotHelpful],
    ]);

    await prisma.note.createMany({
      data: notes.map((note) => ({
        id: note.id,
        communityId,
        postId,
        authorPseudonym: note.author,
        classification: note.misleading
          ? NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING
          : NoteClassification.NOT_MISLEADING,
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
        tags: rating.tags ?? [],
        clientMinute: Math.floor(rating.atMs / 60_000),
        proof: {},
      })),
      skipDuplicates: true,
    });
    return { communityId, bridging, oneSided };
  }

  /** Queues a run and waits for that run (the one its job serves, not another) to succeed. */
  async function runFor(communityId: string, runId?: string): Promise<ScoringRun> {
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId, ...(runId ? { runId } : {}) },
      { jobId: randomUUID() },
    );
    return succeededRunOf(booted, job.id as string);
  }

  /**
   * Time passing between runs without waiting: every stabilisation hold of the community moves
   * back by `ms`, as if the run that started it had been that much earlier.
   */
  async function holdsStartedEarlier(communityId: string, ms: number): Promise<void> {
    await prisma.$executeRaw`
      UPDATE notes SET status_history = jsonb_set(status_history, '{timestampMillisOfNmrDueToMinStableCrhTime}',
             to_jsonb((status_history->>'timestampMillisOfNmrDueToMinStableCrhTime')::bigint - ${ms}))
       WHERE community_id = ${communityId}::uuid
         AND jsonb_typeof(status_history->'timestampMillisOfNmrDueToMinStableCrhTime') = 'number'`;
  }

  // First, while the two communities it plants are the only ones: the periodic rescoring runs
  // every community, and the later cases' large ones would be scored again for nothing. Its job
  // is added here as its schedule would (which bootWorker turns off: at hh:00 it would add runs
  // to the ones the cases below count; libs/queue's jobs.spec.ts checks the default schedule).
  it('asks for a run of every community when the periodic full rescoring fires', async () => {
    const communities = [await createCommunity(), await createCommunity()];
    await queue.add(JobName.RescoreAll, {}, { jobId: randomUUID() });
    await eventually(async () => {
      for (const { id } of communities)
        expect(
          await prisma.scoringRun.count({ where: { communityId: id, status: 'SUCCEEDED' } }),
        ).toBe(1);
    });
  });

  it('keeps one full job per community however often the periodic rescoring fires while it waits', async () => {
    const { id: communityId } = await createCommunity();
    await prisma.community.update({
      where: { id: communityId },
      data: { scoringLeaseUntil: new Date(Date.now() + 60_000) },
    });
    for (let fired = 0; fired < 2; fired++) {
      const job = await queue.add(JobName.RescoreAll, {}, { jobId: randomUUID() });
      await eventually(async () => expect(await job.getState()).toBe('completed'));
    }
    const pending = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    const ours = pending.filter(
      (job) =>
        job.name === JobName.ScoreCommunity &&
        (job.data as ScoreCommunityJob).communityId === communityId,
    );
    expect(ours.map((job) => (job.data as ScoreCommunityJob).full)).toEqual([true]);
    await prisma.community.update({
      where: { id: communityId },
      data: { scoringLeaseUntil: null },
    });
    await eventually(async () =>
      expect(await prisma.scoringRun.count({ where: { communityId, status: 'SUCCEEDED' } })).toBe(
        1,
      ),
    );
  });

  it('holds a note both camps find helpful at first, then publishes CRH, and never a one-sided note', async () => {
    const { communityId, bridging, oneSided } = await plantedCommunity(CAMPS);
    await prisma.community.update({
      where: { id: communityId },
      data: { webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'test-secret-0123456789' },
    });
    const first = await runFor(communityId);
    expect(first).toMatchObject({
      algorithmVersion: 'meta/7',
      ratingCount: expect.any(Number),
      noteCount: CAMPS.notes + 2,
    });
    expect((first.nowAt as Date).getTime()).toBeLessThanOrEqual(
      (first.finishedAt as Date).getTime(),
    );

    const byId = async (id: string) => prisma.note.findUniqueOrThrow({ where: { id } });
    // A new CRH is held at NMR until it has been stable for an hour (§10.2).
    const held = await byId(bridging);
    expect(held.status).toBe(NoteStatus.NEEDS_MORE_RATINGS);
    expect(held.score).toMatchObject({
      preStabilizationStatus: 'CURRENTLY_RATED_HELPFUL',
      decidedBy: 'NmrDueToMinStableCrhTime',
      numRatings: 24,
    });
    expect(held.previousStatusHistory).toBeNull();
    expect(held.statusHistory).toMatchObject({
      noteId: bridging,
      currentStatus: 'NEEDS_MORE_RATINGS',
      timestampMillisOfNmrDueToMinStableCrhTime: (first.nowAt as Date).getTime(),
      timestampMillisOfStatusLock: null,
    });
    expect(await prisma.noteStatusChange.count({ where: { noteId: bridging } })).toBe(0);

    await holdsStartedEarlier(communityId, 61 * 60_000);
    const finished = await runFor(communityId);
    const helpful = await byId(bridging);
    expect(helpful.status).toBe(NoteStatus.CURRENTLY_RATED_HELPFUL);
    expect(helpful.scoredRunId).toBe(finished.id);
    expect(helpful.score).toMatchObject({
      decidedBy: 'GeneralCRH',
      // Which scorer decided, and the Gaussian scorer's own verdict beside it.
      decidingModel: 'CoreModel',
      gaussian: { status: expect.any(String), intercept: expect.any(Number) },
      firstTag: expect.stringMatching(/^helpful(Clear|Informative)$/),
      secondTag: expect.stringMatching(/^helpful(Clear|Informative)$/),
    });
    // The run started from the first run's history (hold moved back) and left the next one.
    expect(helpful.previousStatusHistory).toMatchObject({
      currentStatus: 'NEEDS_MORE_RATINGS',
      timestampMillisOfNmrDueToMinStableCrhTime: (first.nowAt as Date).getTime() - 61 * 60_000,
    });
    const nowMs = (finished.nowAt as Date).getTime();
    expect(helpful.statusHistory).toMatchObject({
      currentStatus: 'CURRENTLY_RATED_HELPFUL',
      firstNonNMRStatus: 'CURRENTLY_RATED_HELPFUL',
      // Released from the hold: decided (meta/7) when it was first shown about to be helpful.
      timestampMillisOfLatestNonNMRStatus: (first.nowAt as Date).getTime() - 61 * 60_000,
      timestampMillisOfNmrDueToMinStableCrhTime: null,
      // The note is older than two weeks and Core decided it: its status is now locked.
      lockedStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfStatusLock: nowMs,
    });
    expect((await byId(oneSided)).status).not.toBe(NoteStatus.CURRENTLY_RATED_HELPFUL);

    const changes = await prisma.noteStatusChange.findMany({ where: { noteId: bridging } });
    expect(changes).toMatchObject([
      { runId: finished.id, previous: 'NEEDS_MORE_RATINGS', next: 'CURRENTLY_RATED_HELPFUL' },
    ]);
    // The run's scores are kept with it, and its changes wait in the outbox for the webhook.
    expect(
      await prisma.noteScore.findUnique({
        where: { runId_noteId: { runId: finished.id, noteId: bridging } },
      }),
    ).toMatchObject({ status: 'CURRENTLY_RATED_HELPFUL', score: helpful.score });
    const [delivery, ...more] = await prisma.webhookDelivery.findMany({
      where: { runId: finished.id },
    });
    expect(more).toHaveLength(0);
    expect(delivery?.payload).toMatchObject({
      type: 'note-status.changed',
      runId: finished.id,
      changes: expect.arrayContaining([
        { noteId: bridging, previous: 'NEEDS_MORE_RATINGS', next: 'CURRENTLY_RATED_HELPFUL' },
      ]),
    });
    expect((delivery?.payload as { changes: unknown[] }).changes).toHaveLength(
      await prisma.noteStatusChange.count({ where: { runId: finished.id } }),
    );
    const counts = finished.statusCounts as Record<string, number>;
    expect(
      await prisma.note.count({
        where: { communityId, status: NoteStatus.CURRENTLY_RATED_HELPFUL },
      }),
    ).toBe(counts['CURRENTLY_RATED_HELPFUL']);
  });

  it('gives the same statuses for the same data and records no change the second time', async () => {
    const { communityId } = await plantedCommunity(CAMPS);
    // Each note's shown status and its models' status before stabilisation, which varies where
    // the shown one need not (the first run holds or locks notes at NMR).
    const statusesNow = async () =>
      (
        await prisma.note.findMany({
          where: { communityId },
          select: { id: true, status: true, score: true },
          orderBy: { id: 'asc' },
        })
      ).map(({ id, status, score }) => ({
        id,
        status,
        model: (score as { preStabilizationStatus?: string } | null)?.preStabilizationStatus,
      }));
    const first = await runFor(communityId);
    const statuses = await statusesNow();
    // Notes of more than one status, so that the same statuses twice is not a matter of course.
    expect(new Set(statuses.map((note) => note.model)).size).toBeGreaterThan(1);
    const second = await runFor(communityId);
    expect(second.id).not.toBe(first.id);
    // The input is the data, the run's time and the histories the first run left: a new hash.
    expect(second.inputHash).not.toBe(first.inputHash);
    // The data alone has not changed.
    expect(second.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.dataHash).toBe(first.dataHash);
    expect((second.nowAt as Date).getTime()).toBeGreaterThan((first.nowAt as Date).getTime());
    expect(await statusesNow()).toEqual(statuses);
    expect(await prisma.noteStatusChange.count({ where: { runId: second.id } })).toBe(0);
    // The synthetic notes are months old: the first run locked them, the second enforces it.
    // The first by id, never a planted note (the bridging one is held at NMR instead).
    const old = await prisma.note.findFirstOrThrow({
      where: {
        communityId,
        createdAt: { lt: new Date(Date.UTC(2026, 1, 1)) },
        authorPseudonym: { not: 'planted-author' },
      },
      orderBy: { id: 'asc' },
    });
    expect(old.score).toMatchObject({ decidedBy: 'ScoringDriftGuard', status: old.status });

    // Retention (2 runs in this suite): a third run prunes the first run's per-note scores only.
    const third = await runFor(communityId);
    const kept = await prisma.noteScore.groupBy({
      by: ['runId'],
      where: { note: { communityId } },
      _count: true,
    });
    expect(Object.fromEntries(kept.map((row) => [row.runId, row._count]))).toEqual({
      [second.id]: statuses.length,
      [third.id]: statuses.length,
    });
    expect(await prisma.scoringRun.findUnique({ where: { id: first.id } })).toMatchObject({
      status: 'SUCCEEDED',
      inputHash: first.inputHash,
    });
  });

  it('hashes its input in the documented canonical form', async () => {
    const { id: communityId, postId } = await createCommunity();
    const note = await prisma.note.create({
      data: {
        communityId,
        postId,
        authorPseudonym: '5',
        classification: 'NOT_MISLEADING',
        reasons: [],
        text: 't',
        sources: [],
      },
    });
    await prisma.rating.create({
      data: {
        communityId,
        noteId: note.id,
        raterPseudonym: '9',
        helpfulness: 'NOT_HELPFUL',
        tags: ['OTHER', 'INCORRECT'],
        clientMinute: 100,
        proof: {},
      },
    });
    const noteFields = `n\t${note.id}\t5\tNOT_MISLEADING\t${note.createdAt.toISOString()}`;
    // The community's topic seeds (the default, the reference's topics) and, with them, the
    // note's text (meta/2).
    const seedsLine = `s\t${JSON.stringify(DEFAULT_TOPIC_SEEDS)}\n`;
    const noteLine = `${noteFields}\t${postId}\nx\t"t"\n`;
    // notHelpfulOther (bit 9) and notHelpfulIncorrect (bit 10).
    const ratingLine = `r\t${note.id}\t9\tNOT_HELPFUL\t100\t${(1 << 9) | (1 << 10)}\n`;
    const first = await runFor(communityId);
    expect(first).toMatchObject({
      inputHash: createHash('sha256')
        .update(`t\t${(first.nowAt as Date).getTime()}\n`)
        .update(seedsLine)
        .update(noteLine)
        .update(ratingLine)
        .digest('hex'),
      // The post by key (the fixture's is a platform's id), no time and no history.
      dataHash: createHash('sha256')
        .update(`${noteFields}\t["platform","test","${communityId}"]\n`)
        .update(ratingLine)
        .digest('hex'),
      noteCount: 1,
      ratingCount: 1,
    });
    // The next run starts from the history the first one left, which its hash covers.
    const second = await runFor(communityId);
    const { previousStatusHistory } = await prisma.note.findUniqueOrThrow({
      where: { id: note.id },
    });
    const history = statusHistoryFromJson(previousStatusHistory);
    expect(history).toMatchObject({ noteId: note.id, currentStatus: 'NEEDS_MORE_RATINGS' });
    expect(second.inputHash).toBe(
      createHash('sha256')
        .update(`t\t${(second.nowAt as Date).getTime()}\n`)
        .update(seedsLine)
        .update(noteLine)
        .update(`h\t${canonicalStatusHistory(history as NoteStatusHistory)}\n`)
        .update(ratingLine)
        .digest('hex'),
    );
    expect(second.dataHash).toBe(first.dataHash);
  });

  it("waits while another worker holds the community's lease, then runs", async () => {
    const { id: communityId } = await createCommunity();
    await prisma.community.update({
      where: { id: communityId },
      data: { scoringLeaseUntil: new Date(Date.now() + 60_000) },
    });
    const job = await queue.add(JobName.ScoreCommunity, { communityId }, { jobId: randomUUID() });
    await eventually(async () => expect(await job.getState()).toBe('delayed'));
    // The request is recorded, but nothing has run.
    expect(await prisma.scoringRun.findMany({ where: { communityId } })).toMatchObject([
      { status: ScoringRunStatus.QUEUED, startedAt: null },
    ]);
    await prisma.community.update({
      where: { id: communityId },
      data: { scoringLeaseUntil: null },
    });
    await eventually(async () =>
      expect(await prisma.scoringRun.count({ where: { communityId, status: 'SUCCEEDED' } })).toBe(
        1,
      ),
    );
  });

  it('never runs one community twice at the same time, even with two workers on the queue', async () => {
    const second = await (
      await Test.createTestingModule({ imports: [WorkerModule] }).compile()
    ).init();
    try {
      const { communityId } = await plantedCommunity(SMALL);
      await Promise.all(
        Array.from({ length: 6 }, () =>
          queue.add(JobName.ScoreCommunity, { communityId }, { jobId: randomUUID() }),
        ),
      );
      const runs = await eventually(async () => {
        const done = await prisma.scoringRun.findMany({
          where: { communityId, status: 'SUCCEEDED' },
          orderBy: { startedAt: 'asc' },
        });
        if (done.length < 6) throw new Error(`${done.length} of 6 runs done`);
        return done;
      });
      for (let index = 1; index < runs.length; index += 1) {
        const [previous, next] = [runs[index - 1] as ScoringRun, runs[index] as ScoringRun];
        expect((next.startedAt as Date).getTime()).toBeGreaterThanOrEqual(
          (previous.finishedAt as Date).getTime(),
        );
      }
    } finally {
      await second.close();
    }
  });

  /** Every job ever enqueued for the community, in any state (finished ones are kept). */
  const jobsOf = async (communityId: string) =>
    (
      await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'])
    ).filter((job) => (job?.data as Partial<ScoreCommunityJob>).communityId === communityId);

  it('turns a burst of events into one debounced run, and enqueues nothing twice', async () => {
    const { id: communityId } = await createCommunity();
    await prisma.scoringEvent.createMany({
      data: Array.from({ length: 25 }, () => ({ communityId, kind: 'rating.put' })),
    });
    const dispatcher = worker.get(ScoringEventsDispatcher);
    // Paused around both dispatches: past its 1 s debounce (a loaded machine) the first job
    // would be active, and the second dispatch rightly add a job to follow it (keepLastIfActive).
    await queue.pause();
    try {
      await dispatcher.dispatch();
      await prisma.scoringEvent.create({ data: { communityId, kind: 'rating.put' } });
      await dispatcher.dispatch();
    } finally {
      await queue.resume();
    }
    expect(await prisma.scoringEvent.count({ where: { communityId } })).toBe(0);
    await eventually(async () =>
      expect(await prisma.scoringRun.count({ where: { communityId, status: 'SUCCEEDED' } })).toBe(
        1,
      ),
    );
    // Every job ever enqueued for the community, in any state (finished ones are kept): one.
    expect(await jobsOf(communityId)).toHaveLength(1);
    expect(await prisma.scoringRun.count({ where: { communityId } })).toBe(1);
  });

  it('keeps one job for a community however long it waits: later events join it, no second run', async () => {
    const { id: communityId } = await createCommunity();
    const dispatcher = worker.get(ScoringEventsDispatcher);
    // Paused, the queue holds the job past its debounce, as a busy worker would.
    await queue.pause();
    try {
      await prisma.scoringEvent.create({ data: { communityId, kind: 'rating.put' } });
      await dispatcher.dispatch();
      await eventually(async () => {
        const [job] = await jobsOf(communityId);
        expect(job).toBeDefined();
        expect(await job?.getState()).not.toBe('delayed');
      });
      for (let burst = 0; burst < 3; burst += 1) {
        await prisma.scoringEvent.create({ data: { communityId, kind: 'rating.put' } });
        await dispatcher.dispatch();
      }
      expect(await jobsOf(communityId)).toHaveLength(1);
    } finally {
      await queue.resume();
    }
    await eventually(async () =>
      expect(await prisma.scoringRun.count({ where: { communityId, status: 'SUCCEEDED' } })).toBe(
        1,
      ),
    );
    expect(await prisma.scoringRun.count({ where: { communityId } })).toBe(1);
  });

  it('asks for a full run when the topic seeds changed, also beside a waiting incremental one', async () => {
    const { id: communityId } = await createCommunity();
    const dispatcher = worker.get(ScoringEventsDispatcher);
    await queue.pause();
    try {
      await prisma.scoringEvent.create({ data: { communityId, kind: 'rating.put' } });
      await dispatcher.dispatch();
      await prisma.scoringEvent.createMany({
        data: [
          { communityId, kind: 'rating.put' },
          { communityId, kind: 'community.seeds' },
        ],
      });
      await dispatcher.dispatch();
      const asked = (await jobsOf(communityId)).map((job) => job?.data as ScoreCommunityJob);
      expect(asked).toEqual(expect.arrayContaining([{ communityId }, { communityId, full: true }]));
      expect(asked).toHaveLength(2);
    } finally {
      await queue.resume();
    }
    await eventually(async () =>
      expect(await prisma.scoringRun.count({ where: { communityId, status: 'SUCCEEDED' } })).toBe(
        2,
      ),
    );
  });

  it('serves the run a job named for itself even when its first attempt died before recording it', async () => {
    const { id: communityId } = await createCommunity();
    // What a first attempt leaves when it dies between naming its run and recording it.
    const runId = randomUUID();
    await queue.add(
      JobName.ScoreCommunity,
      { communityId, runId, full: false },
      { jobId: randomUUID() },
    );
    await eventually(async () =>
      expect((await prisma.scoringRun.findUnique({ where: { id: runId } }))?.status).toBe(
        'SUCCEEDED',
      ),
    );
    expect(await prisma.scoringRun.count({ where: { communityId } })).toBe(1);
  });

  it('fails a job whose run is not pending once, without retrying, and leaves the run as it was', async () => {
    const { id: communityId } = await createCommunity();
    const done = await runFor(communityId);
    // What an attempt had staged: a run's final failure removes it (nothing else would).
    await stageStanding(prisma, done.id);
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId, runId: done.id },
      { jobId: randomUUID(), attempts: 3 },
    );
    const failed = await eventually(async () => {
      if (!(await job.isFailed())) throw new Error('job has not failed yet');
      return queue.getJob(job.id as string);
    });
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe(runFailureReason('RUN_NOT_PENDING'));
    await eventually(async () =>
      expect(await prisma.stagedStanding.count({ where: { runId: done.id } })).toBe(0),
    );
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: done.id } })).toEqual(done);
    expect(
      (await prisma.community.findUniqueOrThrow({ where: { id: communityId } })).scoringLeaseUntil,
    ).toBeNull();
  });

  it("keeps an unexpected error's text out of the run, its job in the queue and the log", async () => {
    const { id: communityId } = await createCommunity();
    const { id: runId } = await worker.get(ScoringRunStore).request(communityId);
    // What a database error can quote: a row's values, a note's text among them; and a stack.
    const leak = 'Ana Souza lives at 12 Elm St';
    const error = Object.assign(new Error(`Key (text)=(${leak}) already exists`), {
      code: '23505',
      stack: `Error: ${leak}\n    at load (/srv/bridgenotes/dist/scoring-input.loader.js:1:2)`,
    });
    const loading = jest.spyOn(worker.get(ScoringInputLoader), 'load').mockRejectedValue(error);
    const warned = jest.spyOn(Logger.prototype, 'warn');
    try {
      const job = await queue.add(
        JobName.ScoreCommunity,
        { communityId, runId },
        { jobId: randomUUID(), attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      );
      const run = await eventually(async () => {
        const found = await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } });
        expect(found.status).toBe(ScoringRunStatus.FAILED);
        return found;
      });
      expect(run).toMatchObject({ errorCode: 'WORKER_ERROR', attempts: 2 });
      expect(JSON.stringify(run)).not.toContain(leak);
      const failed = await eventually(async () => {
        const found = await queue.getJob(job.id as string);
        expect(await found?.getState()).toBe('failed');
        return found;
      });
      // Both attempts' errors: a retried one's too is kept in the job.
      expect(failed?.attemptsMade).toBe(2);
      expect(failed?.failedReason).toBe(runFailureReason('WORKER_ERROR'));
      expect(failed?.stacktrace).toEqual([]);
      expect(JSON.stringify(failed?.asJSON())).not.toMatch(/Ana Souza|\/srv\//);
      const lines = warned.mock.calls.map(([line]) => String(line));
      for (const attempt of [1, 2]) {
        expect(lines).toContain(
          `run ${runId} attempt ${attempt} failed: WORKER_ERROR (Error, SQLSTATE 23505)`,
        );
      }
      expect(lines.join('\n')).not.toContain(leak);
    } finally {
      loading.mockRestore();
      warned.mockRestore();
    }
  });

  it("leaves the run, its live attempt's staging and lease alone when an overtaken attempt fails for good", async () => {
    const { id: communityId } = await createCommunity();
    const runs = worker.get(ScoringRunStore);
    const handler = worker.get(ScoreCommunityHandler);
    const { id: runId } = await runs.request(communityId);
    const start = runs.start.bind(runs);
    const starting = jest
      .spyOn(runs, 'start')
      .mockImplementationOnce(async (...args: Parameters<ScoringRunStore['start']>) => {
        const attempt = await start(...args);
        // Meanwhile the job's lock lapsed, and another worker's retry started the run again
        // and staged its rows.
        expect(await start(runId, communityId)).toBe((attempt as number) + 1);
        expect(await worker.get(ScoringLease).acquire(communityId, runId)).toBeDefined();
        await stageStanding(prisma, runId);
        return attempt;
      });
    const failing = jest.spyOn(handler, 'failed');
    try {
      const job = await queue.add(
        JobName.ScoreCommunity,
        { communityId, runId },
        { jobId: randomUUID(), attempts: 1 },
      );
      // The failure hook is done: whatever it would remove is gone by then.
      const hook = await eventually(async () => {
        const [call] = failing.mock.results;
        if (!call) throw new Error('the failure hook has not run yet');
        return call.value as Promise<void>;
      });
      await hook;
      expect(failing).toHaveBeenCalledWith(
        expect.objectContaining({ id: job.id }),
        expect.objectContaining({
          cause: expect.objectContaining({ message: expect.stringMatching(/another attempt/) }),
        }),
        true,
      );
    } finally {
      starting.mockRestore();
      failing.mockRestore();
    }
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: ScoringRunStatus.RUNNING,
      attempts: 2,
    });
    expect(await prisma.stagedStanding.count({ where: { runId } })).toBe(1);
    // The lease stays with the live attempt: no other run of the community starts beside it.
    const { scoringLeaseOwner, scoringLeaseUntil } = await prisma.community.findUniqueOrThrow({
      where: { id: communityId },
    });
    expect(scoringLeaseOwner).toBe(runId);
    expect(scoringLeaseUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(await worker.get(ScoringLease).acquire(communityId, randomUUID())).toBeUndefined();
  });

  it('scores a run again from a fresh load when another run published after its load began', async () => {
    const { communityId } = await plantedCommunity(SMALL);
    const [runs, loader] = [worker.get(ScoringRunStore), worker.get(ScoringInputLoader)];
    const load = loader.load.bind(loader);
    const seen: { other?: string; cuts?: [bigint, bigint]; histories?: Map<string, unknown> } = {};
    // Another run of the community (its worker's lease lapsed) loaded first; a rating moved the
    // cut on, this run loaded, and then the other run published.
    const loading = jest
      .spyOn(loader, 'load')
      .mockImplementationOnce(async (...args: Parameters<ScoringInputLoader['load']>) => {
        const { id: other } = await runs.request(communityId);
        await runs.start(other, communityId);
        const older = await load(communityId, args[1]);
        const [{ note_id: noteId }] = await prisma.$queryRaw<[{ note_id: string }]>`
          SELECT note_id FROM ratings WHERE community_id = ${communityId}::uuid LIMIT 1`;
        await prisma.rating.create({
          data: {
            communityId,
            noteId,
            raterPseudonym: 'late-rater',
            helpfulness: Helpfulness.HELPFUL,
            tags: [],
            clientMinute: 29_000_000,
            proof: {},
          },
        });
        const loaded = await load(...args);
        const result = scoreNotes(older.input, { seed: DEFAULT_SEED, nowMs: older.nowMs });
        await worker
          .get(ScoringPublisher)
          .publish({ runId: other, attempt: 1 }, older, result, DEFAULT_SEED);
        const notes = await prisma.note.findMany({
          where: { communityId },
          select: { id: true, statusHistory: true },
        });
        Object.assign(seen, {
          other,
          cuts: [older.changedThrough, loaded.changedThrough],
          histories: new Map(notes.map((note) => [note.id, note.statusHistory])),
        });
        return loaded;
      });
    const failing = jest.spyOn(worker.get(ScoreCommunityHandler), 'failed');
    try {
      const run = await runFor(communityId);
      const [olderCut, cut] = seen.cuts as [bigint, bigint];
      expect(cut).toBeGreaterThan(olderCut);
      // Refused once (not a failure), then loaded again after the other run, and published.
      expect(failing).not.toHaveBeenCalled();
      expect(run).toMatchObject({ attempts: 2, publication: 2 });
      expect(
        await prisma.scoringRun.findUniqueOrThrow({ where: { id: seen.other as string } }),
      ).toMatchObject({ status: ScoringRunStatus.SUCCEEDED, publication: 1 });
      const notes = await prisma.note.findMany({
        where: { communityId },
        select: { id: true, previousStatusHistory: true, scoredRunId: true },
      });
      expect(notes.map((note) => [note.id, note.previousStatusHistory])).toEqual(
        notes.map((note) => [note.id, seen.histories?.get(note.id)]),
      );
      expect(new Set(notes.map((note) => note.scoredRunId))).toEqual(new Set([run.id]));
    } finally {
      loading.mockRestore();
      failing.mockRestore();
    }
  });
});
