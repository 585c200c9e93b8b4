import { Environment } from '@bridgenotes/config';
import { PrismaClient, PrismaService } from '@bridgenotes/database';
import { DEFAULT_SEED, scoreNotes } from '@bridgenotes/scoring';
import { ScoringInputLoader, ScoringPublisher } from '@bridgenotes/scoring-store';

/**
 * Scores a community and publishes the run with the worker's own loader and publisher (and the
 * same scorer and seed), for API tests, which cannot boot the worker app.
 */
export async function publishScoringRun(
  prisma: PrismaClient,
  communityId: string,
): Promise<string> {
  const run = await prisma.scoringRun.create({
    data: { communityId, status: 'RUNNING', startedAt: new Date(), attempts: 1 },
  });
  const database = prisma as PrismaService;
  const loaded = await new ScoringInputLoader(database).load(communityId);
  const result = scoreNotes(loaded.input, { seed: DEFAULT_SEED });
  // Defaults only: the publisher reads nothing but the score retention from it.
  await new ScoringPublisher(database, new Environment()).publish(
    run.id,
    loaded,
    result,
    DEFAULT_SEED,
  );
  return run.id;
}
