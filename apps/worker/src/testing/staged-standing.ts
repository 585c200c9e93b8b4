import type { PrismaClient } from '@bridgenotes/database';
import { emptyStanding } from '@bridgenotes/scoring';

/** A standing row staged for the run, as one of its attempts stages them. */
export async function stageStanding(
  prisma: Pick<PrismaClient, 'stagedStanding'>,
  runId: string,
): Promise<void> {
  await prisma.stagedStanding.create({ data: { runId, ...emptyStanding('1') } });
}
