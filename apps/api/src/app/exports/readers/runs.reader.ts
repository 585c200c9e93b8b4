import type { RunRecord } from '@bridgenotes/open-data';
import type { ShownStatus } from '@bridgenotes/scoring';

import { iso, packKey } from '../export-position';
import type { StreamReader } from './stream-reader';

/** Scoring runs in request order. Runs have no size: the middle part of the key is always 0. */
export const runsReader: StreamReader<'runs'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.scoringRun.findMany({
      where: {
        communityId,
        ...(after?.kind === 'timed' && {
          OR: [{ requestedAt: { gt: after.at } }, { requestedAt: after.at, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
      take,
    });
    return rows.map((run) => ({
      position: { kind: 'timed', at: run.requestedAt, size: 0, id: run.id },
      record: {
        cursor: packKey(run.requestedAt.toISOString(), 0, run.id),
        id: run.id,
        status: run.status,
        requestedAt: run.requestedAt.toISOString(),
        startedAt: iso(run.startedAt),
        finishedAt: iso(run.finishedAt),
        algorithmVersion: run.algorithmVersion,
        regime: run.regime,
        seed: run.seed,
        noteCount: run.noteCount,
        ratingCount: run.ratingCount,
        inputHash: run.inputHash,
        dataHash: run.dataHash,
        nowAt: iso(run.nowAt),
        statusCounts: run.statusCounts as Record<ShownStatus, number> | null,
        kind: run.kind as 'FULL' | 'INCREMENTAL',
        baseRunId: run.baseRunId,
        changedThrough: run.changedThrough === null ? null : String(run.changedThrough),
        topicSeeds: run.topicSeeds as RunRecord['topicSeeds'],
        publication: run.publication,
      },
    }));
  },
};
