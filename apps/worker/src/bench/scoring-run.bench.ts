// `npm run bench:scoring-run`: one community's scoring run end to end against PostgreSQL, as the
// worker does it: load (stream notes and ratings into the scorer's input), score, publish (every
// note's status and explanation, status changes and the run record in one transaction).
// Writes a synthetic community (default 1M ratings, 40k raters, 25k notes) to a scratch database
// first, then drops it. Options: --ratings 1000000 --raters 40000 --notes 25000
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
import { communityScope } from '@bridgenotes/protocol';
import {
  DEFAULT_SEED,
  generateSyntheticCommunity,
  HelpfulnessLevel,
  scoreNotes,
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

async function stage<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(40)} wall ${((performance.now() - start) / 1000).toFixed(2).padStart(7)} s   cpu ${((used.user + used.system) / 1e6).toFixed(2).padStart(7)} s   rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0).padStart(5)} MB`,
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
    const { id: postId } = await prisma.post.create({
      data: { canonicalUrl: 'https://example.com/bench' },
    });

    await stage(`write ${values.ratings} synthetic ratings`, async () => {
      // Plain SQL over unnest: the fastest way to put a million rows in without COPY.
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      const noteIds = new Map<string, string>();
      const notes: [string[], string[], Date[], string[]] = [[], [], [], []];
      const ratings: [string[], string[], string[], number[]] = [[], [], [], []];
      generateSyntheticCommunity(
        {
          seed: 1,
          ratings: Number(values.ratings),
          raters: Number(values.raters),
          notes: Number(values.notes),
        },
        {
          note(id, author, at, misleading) {
            const uuid = randomUUID();
            noteIds.set(id, uuid);
            notes[0].push(uuid);
            notes[1].push(author);
            notes[2].push(new Date(at));
            notes[3].push(
              misleading
                ? NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING
                : NoteClassification.NOT_MISLEADING,
            );
          },
          rating(noteId, rater, level, at) {
            ratings[0].push(noteIds.get(noteId) as string);
            ratings[1].push(rater);
            ratings[2].push(LEVELS[level]);
            ratings[3].push(Math.floor(at / 60_000));
          },
        },
      );
      await client.query(
        `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources, created_at)
         SELECT id, $1, $2, author, classification::"NoteClassification", '{}', 'synthetic', '{}', created_at
           FROM unnest($3::uuid[], $4::text[], $5::timestamptz[], $6::text[]) AS v(id, author, created_at, classification)`,
        [communityId, postId, ...notes],
      );
      for (let start = 0; start < ratings[0].length; start += 50_000) {
        await client.query(
          `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
           SELECT gen_random_uuid(), $1, note_id, rater, helpfulness::"Helpfulness", '{}', minute, '{}'
             FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[]) AS v(note_id, rater, helpfulness, minute)
           ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
          [communityId, ...ratings.map((column) => column.slice(start, start + 50_000))],
        );
      }
      // As autovacuum would soon after a bulk load: without statistics the planner misjudges the
      // fresh tables and the measurement would be of that, not of the run.
      await client.query('ANALYZE notes; ANALYZE ratings');
      await client.end();
    });

    const loader = new ScoringInputLoader(prisma as PrismaService);
    // Defaults only: the publisher reads nothing but the score retention from it.
    const publisher = new ScoringPublisher(prisma as PrismaService, new Environment());
    const started = performance.now();
    const run = await prisma.scoringRun.create({
      data: { communityId, status: ScoringRunStatus.RUNNING, startedAt: new Date() },
    });
    const loaded = await stage('load (stream into the scorer input)', () =>
      loader.load(communityId),
    );
    const result = await stage('score (prescoring, final, rules)', () =>
      scoreNotes(loaded.input, { seed: DEFAULT_SEED }),
    );
    const counts = await stage('publish (one transaction)', () =>
      publisher.publish(run.id, loaded, result, DEFAULT_SEED),
    );
    console.log(
      `=> run of ${loaded.ratingCount} ratings, ${loaded.noteCount} notes: ${((performance.now() - started) / 1000).toFixed(1)} s end to end`,
    );
    console.log(`   statuses: ${JSON.stringify(counts)}`);
  } finally {
    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
