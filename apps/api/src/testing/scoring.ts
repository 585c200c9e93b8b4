import { Environment } from '@bridgenotes/config';
import {
  PrismaClient,
  PrismaService,
  ScoringRunStore,
  type RunAttempt,
} from '@bridgenotes/database';
import {
  DEFAULT_SEED,
  scoreNotes,
  scoreWithFrozenRaters,
  storedFrozenRaters,
} from '@bridgenotes/scoring';
import {
  IncrementalBaseStore,
  ScoringInputLoader,
  ReplacedRatingsStore,
  ScoringPublisher,
  type ScoringLoadOptions,
  writeSyntheticCommunity,
} from '@bridgenotes/scoring-store';
import { currentTestRun } from '@bridgenotes/testing';
import { Client } from 'pg';

/**
 * Scores a community and publishes the run with the worker's own loader and publisher (and the
 * same scorer and seed), for API tests, which cannot boot the worker app. `nowMs` is the run's
 * time (a test can score "an hour later" without waiting); `databaseUrl` is `prisma`'s database,
 * which the loader reads with a connection of its own (in statements as `load` says: a test
 * writes between them). As the worker's full runs, it keeps the run's frozen raters when they
 * can serve incremental runs. `seed` other than the worker's is what an operator shopping for
 * statuses would score with, for the specs that must catch it.
 */
export async function publishScoringRun(
  prisma: PrismaClient,
  communityId: string,
  nowMs = Date.now(),
  databaseUrl = currentTestRun().databaseUrl,
  load: ScoringLoadOptions = {},
  seed = DEFAULT_SEED,
): Promise<string> {
  const { runs, loader, publisher } = scoringParts(prisma, databaseUrl);
  const run = await startedRun(runs, communityId, nowMs);
  const loaded = await loader.load(communityId, nowMs, load);
  // As the worker scores a full run (`ScoreCommunityHandler`), in this thread.
  const result = scoreNotes(loaded.input, {
    seed,
    nowMs: loaded.nowMs,
    topicSeeds: loaded.topicSeeds,
  });
  await publisher.publish(run, loaded, result, seed, {
    frozenRaters: storedFrozenRaters(result),
  });
  return run.runId;
}

/**
 * An incremental run as the worker makes one (`ScoreCommunityHandler`): the notes changed since
 * the latest run, scored against the latest full run's frozen raters. Throws when the community
 * must have a full run instead. `since` other than the latest run's cut is what an operator
 * leaving changed notes out of the run would load from, for the specs that must catch it.
 */
export async function publishIncrementalRun(
  prisma: PrismaClient,
  communityId: string,
  nowMs = Date.now(),
  databaseUrl = currentTestRun().databaseUrl,
  since?: bigint,
): Promise<string> {
  const { runs, loader, publisher, env } = scoringParts(prisma, databaseUrl);
  const base = await new IncrementalBaseStore(prisma as PrismaService, env).baseFor(
    communityId,
    nowMs,
  );
  if ('full' in base) throw new Error(`no incremental run: ${base.full}`);
  const run = await startedRun(runs, communityId, nowMs);
  const loaded = await loader.loadChanged(communityId, nowMs, since ?? base.since);
  const result = scoreWithFrozenRaters(loaded.input, base.frozen, { nowMs: loaded.nowMs });
  await publisher.publish(run, loaded, result, DEFAULT_SEED, {
    incremental: { baseRunId: base.baseRunId, baseRaterFactor: base.frozen.raterFactor },
  });
  return run.runId;
}

/**
 * Synthetic notes, raters and ratings written into the community with a connection of the test's
 * own (records without proofs, which the verifier reports): a community large enough for the
 * Core regime, whose full runs freeze the raters incremental runs score against.
 */
export async function writeSynthetic(
  communityId: string,
  options: Parameters<typeof writeSyntheticCommunity>[2],
): Promise<void> {
  const client = new Client({ connectionString: process.env['DATABASE_URL'] });
  await client.connect();
  try {
    await writeSyntheticCommunity(client, communityId, options);
  } finally {
    await client.end();
  }
}

/** A new run of the community, started at `nowMs` as the worker starts one: its first attempt. */
async function startedRun(
  runs: ScoringRunStore,
  communityId: string,
  nowMs: number,
): Promise<RunAttempt> {
  const { id: runId } = await runs.request(communityId);
  const attempt = await runs.start(runId, communityId, new Date(nowMs));
  if (attempt === undefined) throw new Error(`Scoring run ${runId} did not start`);
  return { runId, attempt };
}

function scoringParts(prisma: PrismaClient, databaseUrl: string) {
  const database = prisma as PrismaService;
  const runs = new ScoringRunStore(database);
  // Defaults but the database: the publisher reads only the score retention, the base store the
  // full-run interval and rating limit.
  const env = Object.assign(new Environment(), { DATABASE_URL: databaseUrl });
  return {
    env,
    runs,
    loader: new ScoringInputLoader(env),
    publisher: new ScoringPublisher(database, env, runs, new ReplacedRatingsStore()),
  };
}
