// `npm run bench:scoring-run`: one community's scoring run end to end against PostgreSQL, as the
// worker does it: load (stream notes, their status histories and ratings with their tags into the
// scorer's input), score (every safeguard, with the run time), publish (every note's status,
// explanation and history, status changes and the run record in one transaction). Two runs: the
// first one of a community (no history yet), then one an hour later that starts from the first
// one's histories. Writes a synthetic community (default 1M ratings, 40k raters, 25k notes, with
// posts and tags) to a scratch database first, then drops it.
// Options: --ratings 1000000 --raters 40000 --notes 25000
import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';
import {
  createMigratedDatabase,
  dropDatabase,
  PrismaClient,
  PrismaService,
  ScoringRunStore,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import {
  ScoringInputLoader,
  ScoringPublisher,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const MIGRATIONS = join(__dirname, '../../../prisma/migrations');
const { values } = parseArgs({
  options: {
    ratings: { type: 'string', default: '1000000' },
    raters: { type: 'string', default: '40000' },
    notes: { type: 'string', default: '25000' },
  },
});

async function stage<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(46)} wall ${((performance.now() - start) / 1000).toFixed(2).padStart(7)} s   cpu ${((used.user + used.system) / 1e6).toFixed(2).padStart(7)} s   rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0).padStart(5)} MB`,
  );
  return result;
}

async function main(): Promise<void> {
  const databaseUrl = await createMigratedDatabase(
    process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/bridgenotes',
    `bridgenotes_bench_${Date.now().toString(36)}`,
    MIGRATIONS,
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  try {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: 'bench',
        name: 'Bench',
        scope: communityScope(communityId).toString(),
      },
    });

    await stage(`write ${values.ratings} synthetic ratings`, async () => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      // Closed before anything else happens: an error here must surface, not the dropped database.
      try {
        await writeSyntheticCommunity(client, communityId, {
          seed: 1,
          ratings: Number(values.ratings),
          raters: Number(values.raters),
          notes: Number(values.notes),
        });
      } finally {
        await client.end();
      }
    });

    const loader = new ScoringInputLoader(prisma as PrismaService);
    // Defaults only: the publisher reads nothing but the score retention from it.
    const runs = new ScoringRunStore(prisma as PrismaService);
    const publisher = new ScoringPublisher(prisma as PrismaService, new Environment(), runs);
    const firstRunAt = Date.now();
    for (const [label, nowMs] of [
      ['first run (no history)', firstRunAt],
      ['next run, an hour later (with history)', firstRunAt + 3_600_000],
    ] as const) {
      console.log(`-- ${label}`);
      const started = performance.now();
      const run = await runs.request(communityId);
      await runs.start(run.id, communityId);
      const loaded = await stage('load (stream into the scorer input)', () =>
        loader.load(communityId, nowMs),
      );
      const result = await stage('score (safeguards, prescoring, final, rules)', () =>
        scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs }),
      );
      const counts = await stage('publish (one transaction)', () =>
        publisher.publish(run.id, loaded, result, DEFAULT_SEED),
      );
      console.log(
        `=> run of ${loaded.ratingCount} ratings, ${loaded.noteCount} notes: ${((performance.now() - started) / 1000).toFixed(1)} s end to end, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
      );
      console.log(`   statuses: ${JSON.stringify(counts)}`);
    }
  } finally {
    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
