import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';

/**
 * Scores a community and publishes the run with the worker's own loader and publisher (and the
 * same scorer and seed), for API tests, which cannot boot the worker app. `nowMs` is the run's
 * time (a test can score "an hour later" without waiting).
 */
export async function publishScoringRun(
  prisma: PrismaClient,
  communityId: string,
  nowMs = Date.now(),
): Promise<string> {
  const run = await prisma.scoringRun.create({
    data: { communityId, status: 'RUNNING', startedAt: new Date(nowMs), attempts: 1 },
  });
  const database = prisma as PrismaService;
  const loaded = await new ScoringInputLoader(database).load(communityId, nowMs);
  const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED, nowMs });
  // Defaults only: the publisher reads nothing but the score retention from it.
  await new ScoringPublisher(database, new Environment()).publish(
    run.id,
    loaded,
    result,
    DEFAULT_SEED,
  );
  return run.id;
}
