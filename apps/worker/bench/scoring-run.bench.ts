// `npm run bench:scoring-run`: one community's scoring run end to end against PostgreSQL, as the
// worker does it: load (stream notes, their status histories and ratings with their tags into the
// scorer's input), score (every safeguard, with the run time), publish (every note's status,
// explanation and history, status changes and the run record in one transaction). Three runs: the
// first one of a community (no history yet), one an hour later that starts from the first one's
// histories, and one a minute after that with --new-ratings more ratings (what a rescoring after a
// burst of writes does), then an incremental run after --new-ratings more (only their notes,
// against the third run's frozen raters: what a rescoring after new ratings does since issue 22);
// each says how many notes the publication had to rewrite. Writes a synthetic community (default 1M ratings, 40k raters, 25k notes, with
// posts and tags) to a scratch database first, then drops it.
// Options: --ratings 1000000 --raters 40000 --notes 25000 --new-ratings 1000
import { Environment } from '@bridgenotes/config';
import { PrismaService, ScoringRunStore } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import {
  DEFAULT_SEED,
  encodeFrozenRaters,
  freezeRaters,
  scoreNotesInThreads,
  scoreWithFrozenRaters,
  type FrozenRaters,
} from '@bridgenotes/scoring';
import {
  ScoringInputLoader,
  ReplacedRatingsStore,
  ScoringPublisher,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { createScratchDatabase } from '@bridgenotes/database/testing';
import { loadAverage, runBench, timed } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    ratings: { type: 'string', default: '1000000' },
    raters: { type: 'string', default: '40000' },
    notes: { type: 'string', default: '25000' },
    'new-ratings': { type: 'string', default: '1000' },
  },
});

/** One stage of a run, measured: its result. */
const stage = async <T>(label: string, work: () => Promise<T> | T): Promise<T> =>
  (await timed(label, work, { rss: true })).result;

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  const { url: databaseUrl, prisma } = scratch;
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

    /** New ratings by the community's raters of random notes (a pair rated already is skipped). */
    const addRatings = async (id: string, count: number) => {
      const notes = await prisma.note.findMany({
        where: { communityId: id },
        select: { id: true },
      });
      const raters = await prisma.rating.findMany({
        where: { communityId: id },
        select: { raterPseudonym: true },
        take: 10_000,
      });
      const pick = <T>(from: T[]) => from[Math.floor(Math.random() * from.length)] as T;
      const pairs = Array.from({ length: count }, () => [
        pick(notes).id,
        pick(raters).raterPseudonym,
      ]);
      await prisma.$executeRaw`
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
        SELECT gen_random_uuid(), ${id}::uuid, note, rater, 'NOT_HELPFUL', '{}', ${Math.floor(Date.now() / 60_000)}, '{}'
          FROM unnest(${pairs.map(([note]) => note)}::uuid[], ${pairs.map(([, rater]) => rater)}::text[]) AS v(note, rater)
        ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`;
    };
    const loader = new ScoringInputLoader(
      Object.assign(new Environment(), { DATABASE_URL: databaseUrl }),
    );
    // Defaults only: the publisher reads nothing but the score retention from it.
    const runs = new ScoringRunStore(prisma as PrismaService);
    const publisher = new ScoringPublisher(
      prisma as PrismaService,
      new Environment(),
      runs,
      new ReplacedRatingsStore(),
    );
    const firstRunAt = Date.now();
    let base: { runId: string; frozen: FrozenRaters; changedThrough: bigint } | undefined;
    for (const [label, nowMs] of [
      ['first run (no history)', firstRunAt],
      ['next run, an hour later (with history)', firstRunAt + 3_600_000],
      [`a minute later, after ${values['new-ratings']} new ratings`, firstRunAt + 3_660_000],
      [
        `incremental, a minute later, after ${values['new-ratings']} new ratings`,
        firstRunAt + 3_720_000,
      ],
    ] as const) {
      console.log(`-- ${label}`);
      if (nowMs >= firstRunAt + 3_660_000)
        await addRatings(communityId, Number(values['new-ratings']));
      const started = performance.now();
      const run = await runs.request(communityId);
      const attempt = await runs.start(run.id, communityId);
      if (attempt === undefined) throw new Error(`Scoring run ${run.id} did not start`);
      const incremental = nowMs === firstRunAt + 3_720_000 ? base : undefined;
      const loaded = await stage(
        `load (${incremental ? 'changed notes' : 'stream into the scorer input'})`,
        () =>
          incremental
            ? loader.loadChanged(communityId, nowMs, incremental.changedThrough)
            : loader.load(communityId, nowMs),
      );
      const result = await stage(
        incremental
          ? 'score (final scoring with frozen raters)'
          : 'score (safeguards, prescoring, final, rules)',
        () =>
          incremental
            ? scoreWithFrozenRaters(loaded.input, incremental.frozen, { nowMs })
            : scoreNotesInThreads(loaded.input, { seed: DEFAULT_SEED, nowMs }),
      );
      const frozen = incremental ? undefined : freezeRaters(result);
      const usable = frozen && !('unusable' in frozen) ? frozen : undefined;
      const { statusCounts, notesWritten } = await stage('publish (staged, then one flip)', () =>
        publisher.publish({ runId: run.id, attempt }, loaded, result, DEFAULT_SEED, {
          ...(incremental && {
            incremental: {
              baseRunId: incremental.runId,
              baseRaterFactor: incremental.frozen.raterFactor,
            },
          }),
          ...(usable && { frozenRaters: encodeFrozenRaters(usable) }),
        }),
      );
      if (usable) base = { runId: run.id, frozen: usable, changedThrough: loaded.changedThrough };
      console.log(
        `=> run of ${loaded.ratingCount} ratings, ${loaded.noteCount} notes (${notesWritten} rewritten): ${((performance.now() - started) / 1000).toFixed(1)} s end to end, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, load average ${loadAverage()}`,
      );
      console.log(`   statuses: ${JSON.stringify(statusCounts)}`);
    }
  } finally {
    await scratch.drop();
  }
}

runBench(main);
