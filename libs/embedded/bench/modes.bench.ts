// `npm run bench:embedded`: what the embedded mode costs next to PostgreSQL and Redis servers, on
// this machine. For each mode —
//   embedded: PGlite in a process of its own on a temporary folder (as `npm start` runs it), the
//             queues in it (BullMQ's PostgreSQL backend);
//   server:   a scratch database on the PostgreSQL server of DATABASE_URL, the queues in Redis —
// it measures:
//   1. rating writes: the database work of one PUT …/rating as RatingsService does it (the note
//      lookup, the upsert and its outbox event in one transaction, the read-back) from
//      --connections clients for --seconds. Proof verification (≈3–7.5 ms CPU per rating in the API
//      process) is left out: it costs the same in both modes.
//   2. the queue: the median time from adding a job to a worker starting it, and --jobs no-op
//      jobs through a worker of concurrency 4.
//   3. scoring runs as the worker does them (load, score, publish) for communities of --sizes
//      ratings, after a bulk load of their synthetic notes and ratings.
// Options: --modes embedded,server --seconds 10 --connections 8 --jobs 500 --sizes 10000,100000
import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import {
  applyMigrations,
  PrismaClient,
  PrismaService,
  ScoringOutbox,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { openQueue, QueueName, QueueSettings, startWorker } from '@bridgenotes/queue';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import {
  ScoringInputLoader,
  ReplacedRatingsStore,
  ScoringPublisher,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { createScratchDatabase, MIGRATIONS_DIR } from '@bridgenotes/database/testing';
import { runBench } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';

import { startServeProcess } from '../src/testing/serve-process';

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'embedded,server' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    jobs: { type: 'string', default: '500' },
    sizes: { type: 'string', default: '10000,100000' },
  },
});

interface Target {
  mode: string;
  databaseUrl: string;
  queue: Omit<QueueSettings, 'role'>;
  close(): Promise<void>;
}

const results: Record<string, Record<string, string>> = {};
function record(mode: string, metric: string, value: string): void {
  (results[metric] ??= {})[mode] = value;
  console.log(`  ${metric.padEnd(44)} ${value}`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function embeddedTarget(): Promise<Target> {
  const folder = await mkdtemp(join(tmpdir(), 'bn-bench-embedded-'));
  const database = await startServeProcess(['--data-dir', folder]);
  await applyMigrations({ connectionString: database.url, migrationsDir: MIGRATIONS_DIR });
  return {
    mode: 'embedded',
    databaseUrl: database.url,
    queue: { backend: 'postgres', databaseUrl: database.url, prefix: 'bench' },
    async close() {
      await database.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function serverTarget(): Promise<Target> {
  const id = Date.now().toString(36);
  const { url: databaseUrl, drop } = await createScratchDatabase(id);
  return {
    mode: 'server',
    databaseUrl,
    queue: {
      backend: 'redis',
      databaseUrl,
      redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      prefix: `bn-bench-${id}`,
    },
    close: drop,
  };
}

async function createCommunity(prisma: PrismaClient): Promise<{ id: string; postId: string }> {
  const id = randomUUID();
  await prisma.community.create({
    data: {
      id,
      slug: `bench-${id.slice(0, 8)}`,
      name: 'Bench',
      scope: communityScope(id).toString(),
    },
  });
  const post = await prisma.post.create({ data: { canonicalUrl: `https://example.com/${id}` } });
  return { id, postId: post.id };
}

/** A proof as the API stores it: about the size of a real Semaphore proof. */
const PROOF = {
  merkleTreeDepth: 20,
  merkleTreeRoot: '1'.repeat(77),
  nullifier: '2'.repeat(77),
  message: '3'.repeat(77),
  scope: '4'.repeat(77),
  points: Array.from({ length: 8 }, (_, i) => String(i).repeat(77)),
};

interface RatingTarget {
  communityId: string;
  noteIds: string[];
}

/** A community with 50 notes to rate. */
async function ratingTarget(prisma: PrismaClient): Promise<RatingTarget> {
  const community = await createCommunity(prisma);
  const notes = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      prisma.note.create({
        data: {
          communityId: community.id,
          postId: community.postId,
          authorPseudonym: 'author',
          classification: 'NOT_MISLEADING',
          reasons: ['FACTUALLY_CORRECT'],
          text: `note ${i}`,
          sources: [],
        },
      }),
    ),
  );
  return { communityId: community.id, noteIds: notes.map(({ id }) => id) };
}

let raters = 0;

/** The database work of one rating, as RatingsService does it, with Prisma's defaults. */
async function writeRating(prisma: PrismaClient, target: RatingTarget): Promise<void> {
  const index = raters++;
  const rater = `rater-${index}`;
  const note = await prisma.note.findFirst({
    where: { id: target.noteIds[index % target.noteIds.length], communityId: target.communityId },
  });
  if (!note) throw new Error('note missing');
  await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
      VALUES (${randomUUID()}::uuid, ${target.communityId}::uuid, ${note.id}::uuid, ${rater},
              'HELPFUL'::"Helpfulness", ${['CLEAR']}::varchar[], ${index},
              ${JSON.stringify(PROOF)}::jsonb)
      ON CONFLICT (note_id, rater_pseudonym) DO UPDATE
        SET helpfulness = excluded.helpfulness, client_minute = excluded.client_minute
        WHERE ratings.client_minute < excluded.client_minute
      RETURNING id`;
    if (row) {
      await new ScoringOutbox(prisma as PrismaService).record(tx, target.communityId, 'rating.put');
    }
  });
  await prisma.rating.findUniqueOrThrow({
    where: { noteId_raterPseudonym: { noteId: note.id, raterPseudonym: rater } },
  });
}

async function ratingWrites(target: Target): Promise<void> {
  const connections = Number(values.connections);
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: target.databaseUrl, max: connections }),
  });
  try {
    const rated = await ratingTarget(prisma);
    const latencies: number[] = [];
    const deadline = performance.now() + Number(values.seconds) * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          await writeRating(prisma, rated);
          latencies.push(performance.now() - started);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    record(
      target.mode,
      `rating writes (${connections} clients)`,
      `${(latencies.length / Number(values.seconds)).toFixed(0)} /s, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms`,
    );
  } finally {
    await prisma.$disconnect();
  }
}

async function queueThroughput(target: Target): Promise<void> {
  const settings: QueueSettings = { ...target.queue, role: 'consumer' };
  const queue = openQueue<{ sentAt: number }, string>(QueueName.Scoring, settings);
  const delays: number[] = [];
  let done = 0;
  let onDone: () => void = () => undefined;
  const worker = startWorker<{ sentAt: number }, string>(
    QueueName.Scoring,
    async (job) => {
      if (job.name === 'latency') delays.push(Date.now() - job.data.sentAt);
      done += 1;
      onDone();
    },
    settings,
    { concurrency: 4 },
  );
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    // Sequential, so each job finds the worker waiting: the wake-up path, not a backlog.
    for (let i = 0; i < 20; i += 1) {
      const before = done;
      const finished = new Promise<void>((resolve) => (onDone = () => done > before && resolve()));
      await queue.add('latency', { sentAt: Date.now() });
      await finished;
    }
    delays.sort((a, b) => a - b);
    record(
      target.mode,
      'queue: add → worker starts (median of 20)',
      `${percentile(delays, 0.5)} ms`,
    );

    const jobs = Number(values.jobs);
    const expected = done + jobs;
    const drained = new Promise<void>((resolve) => (onDone = () => done >= expected && resolve()));
    const started = performance.now();
    await queue.addBulk(
      Array.from({ length: jobs }, () => ({ name: 'noop', data: { sentAt: Date.now() } })),
    );
    await drained;
    const elapsed = performance.now() - started;
    record(
      target.mode,
      `queue: ${jobs} jobs added and processed`,
      `${seconds(elapsed)} (${((jobs / elapsed) * 1000).toFixed(0)} jobs/s)`,
    );
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function scoringRuns(target: Target): Promise<void> {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: target.databaseUrl }),
  });
  const client = new Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const loader = new ScoringInputLoader(
      Object.assign(new Environment(), { DATABASE_URL: target.databaseUrl }),
    );
    const runs = new ScoringRunStore(prisma as PrismaService);
    const publisher = new ScoringPublisher(
      prisma as PrismaService,
      new Environment(),
      runs,
      new ReplacedRatingsStore(),
    );
    const rated = await ratingTarget(prisma);
    for (const size of values.sizes.split(',').map(Number)) {
      const community = await createCommunity(prisma);
      let started = performance.now();
      await writeSyntheticCommunity(client, community.id, {
        seed: 1,
        ratings: size,
        raters: Math.ceil(size / 25),
        notes: Math.ceil(size / 40),
      });
      record(target.mode, `bulk load of ${size} ratings`, seconds(performance.now() - started));

      const run = await runs.request(community.id);
      const attempt = await runs.start(run.id, community.id);
      if (attempt === undefined) throw new Error(`Scoring run ${run.id} did not start`);
      // Meanwhile, members keep rating (one at a time, as a quiet API would), while the run reads
      // and while it publishes. Not while it scores: that is CPU in this very process, which would
      // hold the writer up here; the worker is a process of its own.
      let slowest = 0;
      const failures: string[] = [];
      const alongside = async <T>(work: () => Promise<T>): Promise<T> => {
        let running = true;
        const writer = (async () => {
          while (running) {
            const began = performance.now();
            try {
              await writeRating(prisma, rated);
            } catch (error) {
              failures.push((error as Error).message.split('\n')[0] as string);
            }
            slowest = Math.max(slowest, performance.now() - began);
          }
        })();
        try {
          return await work();
        } finally {
          running = false;
          await writer;
        }
      };
      started = performance.now();
      const nowMs = Date.now();
      const loaded = await alongside(() => loader.load(community.id, nowMs));
      const loadedAt = performance.now();
      const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
      const scoredAt = performance.now();
      await alongside(() =>
        publisher.publish({ runId: run.id, attempt }, loaded, result, DEFAULT_SEED),
      );
      const publishedAt = performance.now();
      record(
        target.mode,
        `scoring run of ${loaded.ratingCount} ratings`,
        `${seconds(publishedAt - started)} (load ${seconds(loadedAt - started)}, score ${seconds(scoredAt - loadedAt)}, publish ${seconds(publishedAt - scoredAt)})`,
      );
      record(
        target.mode,
        `  rating writes during the ${size} run: slowest, failed`,
        `${seconds(slowest)}, ${failures.length} failed${failures.length ? ` (${failures[0]})` : ''}`,
      );
    }
  } finally {
    await client.end();
    await prisma.$disconnect();
  }
}

async function main(): Promise<void> {
  for (const mode of values.modes.split(',')) {
    if (mode !== 'embedded' && mode !== 'server') throw new Error(`unknown mode ${mode}`);
    console.log(`\n${mode} mode`);
    const target = mode === 'embedded' ? await embeddedTarget() : await serverTarget();
    try {
      await ratingWrites(target);
      await queueThroughput(target);
      await scoringRuns(target);
    } finally {
      await target.close();
    }
  }
  const modes = values.modes.split(',');
  console.log(`\n${'metric'.padEnd(44)} ${modes.map((mode) => mode.padEnd(48)).join(' ')}`);
  for (const [metric, byMode] of Object.entries(results)) {
    console.log(
      `${metric.padEnd(44)} ${modes.map((mode) => (byMode[mode] ?? '').padEnd(48)).join(' ')}`,
    );
  }
}

runBench(main, { exit: true });
