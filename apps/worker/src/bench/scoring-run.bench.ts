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
  Helpfulness,
  NoteClassification,
  PrismaClient,
  PrismaService,
  ScoringRunStatus,
} from '@bridgenotes/database';
import { communityScope, HELPFUL_TAGS, NOT_HELPFUL_TAGS } from '@bridgenotes/protocol';
import {
  DEFAULT_SEED,
  generateSyntheticCommunity,
  HelpfulnessLevel,
  ratingTagOf,
  RatingTag,
  scoreNotes,
  TAG_NAMES,
} from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const MIGRATIONS = join(__dirname, '../../../../prisma/migrations');
const { values } = parseArgs({
  options: {
    ratings: { type: 'string', default: '1000000' },
    raters: { type: 'string', default: '40000' },
    notes: { type: 'string', default: '25000' },
  },
});

const LEVELS: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: Helpfulness.HELPFUL,
  [HelpfulnessLevel.SomewhatHelpful]: Helpfulness.SOMEWHAT_HELPFUL,
  [HelpfulnessLevel.NotHelpful]: Helpfulness.NOT_HELPFUL,
};

/** The name a member submits for each scorer tag, to write the synthetic tag masks as names. */
const TAG_NAME = new Map<RatingTag, string>();
for (const [helpfulness, names] of [
  ['HELPFUL', HELPFUL_TAGS],
  ['NOT_HELPFUL', NOT_HELPFUL_TAGS],
] as const) {
  for (const name of names) TAG_NAME.set(ratingTagOf(helpfulness, name) as RatingTag, name);
}
/** Members cannot submit notHelpfulOpinionSpeculationOrBias (no Bridgenotes name): dropped. */
const tagNames = (mask: number): string[] =>
  TAG_NAMES.flatMap((_, tag) => {
    const name = mask & (1 << tag) ? TAG_NAME.get(tag) : undefined;
    return name === undefined ? [] : [name];
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
      // Plain SQL over unnest: the fastest way to put a million rows in without COPY.
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      // Closed before anything else happens: an error here must surface, not the dropped database.
      try {
        const noteIds = new Map<string, string>();
        const postIds = new Map<string, string>();
        const notes: [string[], string[], Date[], string[], string[]] = [[], [], [], [], []];
        const ratings: [string[], string[], string[], number[], string[]] = [[], [], [], [], []];
        generateSyntheticCommunity(
          {
            seed: 1,
            ratings: Number(values.ratings),
            raters: Number(values.raters),
            notes: Number(values.notes),
          },
          {
            note(id, author, at, misleading, post) {
              const uuid = randomUUID();
              noteIds.set(id, uuid);
              if (!postIds.has(post)) postIds.set(post, randomUUID());
              notes[4].push(postIds.get(post) as string);
              notes[0].push(uuid);
              notes[1].push(author);
              notes[2].push(new Date(at));
              notes[3].push(
                misleading
                  ? NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING
                  : NoteClassification.NOT_MISLEADING,
              );
            },
            rating(noteId, rater, level, at, tags) {
              ratings[0].push(noteIds.get(noteId) as string);
              ratings[1].push(rater);
              ratings[2].push(LEVELS[level]);
              ratings[3].push(Math.floor(at / 60_000));
              // A Postgres array literal: tag names never contain commas, quotes or braces.
              ratings[4].push(`{${tagNames(tags).join(',')}}`);
            },
          },
        );
        await client.query(
          `INSERT INTO posts (id, platform, external_id)
           SELECT id, 'bench', id::text FROM unnest($1::uuid[]) AS v(id)`,
          [[...postIds.values()]],
        );
        await client.query(
          `INSERT INTO notes (id, community_id, author_pseudonym, created_at, classification, post_id, reasons, text, sources)
           SELECT id, $1, author, created_at, classification::"NoteClassification", post_id, '{}', 'synthetic', '{}'
             FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::uuid[]) AS v(id, author, created_at, classification, post_id)`,
          [communityId, ...notes],
        );
        for (let start = 0; start < ratings[0].length; start += 50_000) {
          await client.query(
            `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
             SELECT gen_random_uuid(), $1, note_id, rater, helpfulness::"Helpfulness", minute, tags::varchar[], '{}'
               FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[]) AS v(note_id, rater, helpfulness, minute, tags)
             ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
            [communityId, ...ratings.map((column) => column.slice(start, start + 50_000))],
          );
        }
        // As autovacuum would soon after a bulk load: without statistics the planner misjudges the
        // fresh tables and the measurement would be of that, not of the run.
        await client.query('ANALYZE notes; ANALYZE ratings');
      } finally {
        await client.end();
      }
    });

    const loader = new ScoringInputLoader(prisma as PrismaService);
    // Defaults only: the publisher reads nothing but the score retention from it.
    const publisher = new ScoringPublisher(prisma as PrismaService, new Environment());
    const firstRunAt = Date.now();
    for (const [label, nowMs] of [
      ['first run (no history)', firstRunAt],
      ['next run, an hour later (with history)', firstRunAt + 3_600_000],
    ] as const) {
      console.log(`-- ${label}`);
      const started = performance.now();
      const run = await prisma.scoringRun.create({
        data: { communityId, status: ScoringRunStatus.RUNNING, startedAt: new Date() },
      });
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
