// `npm run bench:freshness`: how long a new rating takes to reach its note's published status.
// Writes a synthetic community (default 100k ratings for a quick run; `--ratings 1000000` for the
// issue's community of a million) to a scratch database, publishes a first run, then starts the
// built worker (dist/apps/worker, built first by the npm script: its outbox dispatcher, debounced
// queue and scoring handler, on Redis) as a process of its own and sends a
// steady stream of ratings through the same statement and outbox as the API's
// `PUT …/rating` (`ScoringOutbox.recordPerRow`). A rating's freshness is the time from its
// statement returning (accepted) to the end of the first run that started after it (published):
// an upper bound, since a run may also pick up a rating accepted just after it started.
// Options: --ratings 100000 --rate 5 (ratings/s) --seconds 60 --debounce 1 (SCORING_DEBOUNCE_SECONDS)
// --incremental on|off (off: every run is full, SCORING_FULL_RUN_INTERVAL_SECONDS=0, the figure
// before incremental runs existed).
import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import {
  createMigratedDatabase,
  dropDatabase,
  PrismaClient,
  PrismaService,
  ScoringOutbox,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { DEFAULT_SEED, scoreNotes, storedFrozenRaters } from '@bridgenotes/scoring';
import {
  ScoringInputLoader,
  ReplacedRatingsStore,
  ScoringPublisher,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';

const MIGRATIONS = join(__dirname, '../../../prisma/migrations');
const { values } = parseArgs({
  options: {
    ratings: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    debounce: { type: 'string', default: '1' },
    incremental: { type: 'string', default: 'on' },
  },
});
const ratings = Number(values.ratings);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const databaseUrl = await createMigratedDatabase(
    process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/bridgenotes',
    `bridgenotes_fresh_${Date.now().toString(36)}`,
    MIGRATIONS,
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let worker: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  try {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: 'fresh',
        name: 'Fresh',
        scope: communityScope(communityId).toString(),
      },
    });
    let started = performance.now();
    await writeSyntheticCommunity(client, communityId, {
      seed: 1,
      ratings,
      raters: Math.round(ratings / 25),
      notes: Math.round(ratings / 40),
    });
    console.log(`wrote ${ratings} synthetic ratings in ${seconds(performance.now() - started)}`);

    // The steady state a live community is in: every note already published once.
    const env = Object.assign(new Environment(), { DATABASE_URL: databaseUrl });
    const runs = new ScoringRunStore(prisma as PrismaService);
    started = performance.now();
    const first = await runs.request(communityId);
    const attempt = await runs.start(first.id, communityId);
    if (attempt === undefined) throw new Error(`Scoring run ${first.id} did not start`);
    const loaded = await new ScoringInputLoader(env).load(communityId, Date.now());
    const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs: loaded.nowMs });
    await new ScoringPublisher(
      prisma as PrismaService,
      env,
      runs,
      new ReplacedRatingsStore(),
    ).publish({ runId: first.id, attempt }, loaded, result, DEFAULT_SEED, {
      frozenRaters: storedFrozenRaters(result),
    });
    console.log(`first run in ${seconds(performance.now() - started)} (load average ${load()})`);

    const { rows: notes } = await client.query<{ id: string }>(
      'SELECT id FROM notes WHERE community_id = $1',
      [communityId],
    );
    const { rows: raters } = await client.query<{ rater: string }>(
      'SELECT DISTINCT rater_pseudonym AS rater FROM ratings WHERE community_id = $1',
      [communityId],
    );

    worker = spawn(process.execPath, [join(__dirname, '../../../dist/apps/worker/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: `fresh-${Date.now().toString(36)}`,
        SCORING_DEBOUNCE_SECONDS: values.debounce,
        SCORING_CRON: 'off',
        ...(values.incremental === 'off' ? { SCORING_FULL_RUN_INTERVAL_SECONDS: '0' } : {}),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: 'inherit',
    });
    const child = worker;
    exited = new Promise((resolve) => child.once('exit', resolve));

    // The API's rating statement (apps/api ratings): upsert, and one outbox row when it wrote.
    const outbox = new ScoringOutbox(prisma as PrismaService);
    const rate = async (): Promise<boolean> => {
      const note = notes[Math.floor(Math.random() * notes.length)]?.id as string;
      const rater = raters[Math.floor(Math.random() * raters.length)]?.rater as string;
      const written = await prisma.$queryRaw<{ id: string }[]>`
        WITH written AS (
          INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
          VALUES (gen_random_uuid(), ${communityId}::uuid, ${note}::uuid, ${rater}, 'HELPFUL', '{CLEAR}',
                  ${Math.floor(Date.now() / 60_000)}, '{}')
          ON CONFLICT (note_id, rater_pseudonym) DO UPDATE
             SET helpfulness = EXCLUDED.helpfulness, client_minute = EXCLUDED.client_minute
           WHERE ratings.client_minute < EXCLUDED.client_minute
          RETURNING id
        ), outbox AS (${outbox.recordPerRow(communityId, 'rating.put', 'written')})
        SELECT id FROM written`;
      return written.length > 0;
    };
    const succeededSince = (since: number) =>
      prisma.scoringRun.findMany({
        where: { communityId, status: 'SUCCEEDED', startedAt: { gte: new Date(since) } },
        select: { startedAt: true, finishedAt: true, kind: true },
        orderBy: { startedAt: 'asc' },
      });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 250));

    // Unmeasured: the worker's start and its first run after a rating.
    const booted = Date.now();
    while (!(await rate()));
    while ((await succeededSince(booted)).length === 0) await pause();

    const accepted: number[] = [];
    const intervalMs = 1000 / Number(values.rate);
    const streamStart = Date.now();
    for (let sent = 0; Date.now() - streamStart < Number(values.seconds) * 1000; sent += 1) {
      const wait = streamStart + sent * intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (await rate()) accepted.push(Date.now());
    }
    const lastAccepted = accepted[accepted.length - 1] ?? Date.now();
    console.log(
      `streamed ${accepted.length} ratings over ${values.seconds} s; waiting for the last run`,
    );
    let published = await succeededSince(streamStart);
    while (!published.some((run) => (run.startedAt as Date).getTime() > lastAccepted)) {
      await pause();
      published = await succeededSince(streamStart);
    }
    worker.kill('SIGTERM');
    await exited;
    worker = undefined;

    const latencies = accepted
      .map((at) => {
        const run = published.find((candidate) => (candidate.startedAt as Date).getTime() > at);
        return (run?.finishedAt as Date).getTime() - at;
      })
      .sort((a, b) => a - b);
    const durations = published.map(
      (run) => (run.finishedAt as Date).getTime() - (run.startedAt as Date).getTime(),
    );
    console.log(
      `=> ${ratings} ratings, debounce ${values.debounce} s, ${values.rate} ratings/s: ` +
        `freshness p50 ${seconds(percentile(latencies, 50))}, p95 ${seconds(percentile(latencies, 95))}, ` +
        `max ${seconds(latencies[latencies.length - 1] ?? NaN)}; ${published.length} runs ` +
        `(${published.filter((run) => run.kind === 'INCREMENTAL').length} incremental), ` +
        `median run ${seconds(
          percentile(
            [...durations].sort((a, b) => a - b),
            50,
          ),
        )} (load average ${load()})`,
    );
  } finally {
    worker?.kill('SIGTERM');
    await exited;
    await client.end();
    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
  }
}

main().then(
  // BullMQ's connections may keep the process alive after the worker closed.
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
