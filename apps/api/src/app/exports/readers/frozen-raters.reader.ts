import type { StreamReader } from './stream-reader';

/**
 * The latest full run's frozen rater parameters (the publisher keeps only that run's), which
 * the incremental runs after it scored against: one record, or none when that run could not
 * freeze its raters or the community has no run.
 */
export const frozenRatersReader: StreamReader<'frozen-raters'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.scoringRunRaters.findMany({
      // A run that failed after staging its raters never served an incremental run.
      where: {
        run: { communityId, status: 'SUCCEEDED', changedThrough: { not: null } },
        ...(after?.kind === 'id' && { runId: { gt: after.id } }),
      },
      orderBy: { runId: 'asc' },
      select: { runId: true, state: true, run: { select: { changedThrough: true } } },
      take,
    });
    return rows.map((row) => ({
      position: { kind: 'id', id: row.runId },
      record: {
        cursor: row.runId,
        runId: row.runId,
        changedThrough: String(row.run.changedThrough),
        parameters: Buffer.from(row.state).toString('base64'),
      },
    }));
  },
};
