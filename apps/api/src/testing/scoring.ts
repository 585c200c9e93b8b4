import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService, ScoringRunStore } from '@bridgenotes/database';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';
import { currentTestRun } from '@bridgenotes/testing';

/**
 * Scores a community and publishes the run with the worker's own loader and publisher (and the
 * same scorer and seed), for API tests, which cannot boot the worker app. `nowMs` is the run's
 * time (a test can score "an hour later" without waiting); `databaseUrl` is `prisma`'s database,
 * which the loader reads with a connection of its own.
 */
export async function publishScoringRun(
  prisma: PrismaClient,
  communityId: string,
  nowMs = Date.now(),
  databaseUrl = currentTestRun().databaseUrl,
): Promise<string> {
  const database = prisma as PrismaService;
  const runs = new ScoringRunStore(database);
  const run = await runs.request(communityId);
  await runs.start(run.id, communityId, new Date(nowMs));
  const loaded = await new ScoringInputLoader(
    Object.assign(new Environment(), { DATABASE_URL: databaseUrl }),
  ).load(communityId, nowMs);
  const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
  // Defaults only: the publisher reads nothing but the score retention from it.
  await new ScoringPublisher(database, new Environment(), runs).publish(
    run.id,
    loaded,
    result,
    DEFAULT_SEED,
  );
  return run.id;
}
