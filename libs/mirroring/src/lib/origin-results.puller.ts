import { NoteStatus, PrismaService, type Mirror } from '@bridgenotes/database';
import type { ExportClient } from '@bridgenotes/open-data';

import { MirrorPullError } from './mirror-state';
import { readAll, TRANSACTION } from './page-settlement';

export const ORIGIN_TIMEOUT_MS = 30_000;
const RESULTS_CHUNK = 5_000;

/** The origin's own published statuses, kept beside the mirror's to report their divergence. */
export class OriginResultsPuller {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * When the origin has published a run the mirror has not seen, its per-note statuses, kept to
   * compare with the mirror's own (`divergence`). Returns that run's id when it fetched them.
   */
  async pull(
    mirror: Mirror,
    client: ExportClient,
    fetcher: typeof fetch,
  ): Promise<string | undefined> {
    const url = `${mirror.originUrl.replace(/\/+$/, '')}/communities/${encodeURIComponent(mirror.originSlug)}/scoring-runs?limit=20`;
    const response = await fetcher(url, { signal: AbortSignal.timeout(ORIGIN_TIMEOUT_MS) });
    if (!response.ok) throw new MirrorPullError(`GET ${url} answered ${response.status}`);
    const { items } = (await response.json()) as {
      items: {
        id: string;
        status: string;
        finishedAt: string | null;
        inputHash: string | null;
        dataHash?: string | null;
      }[];
    };
    const latest = items
      .filter((run) => run.status === 'SUCCEEDED' && run.finishedAt !== null)
      .sort((a, b) => Date.parse(b.finishedAt as string) - Date.parse(a.finishedAt as string))[0];
    if (!latest || latest.id === mirror.originRunId) return undefined;
    const results = await readAll(client, 'results', undefined);
    await this.prisma.$transaction(async (tx) => {
      await tx.mirrorOriginResult.deleteMany({ where: { mirrorId: mirror.id } });
      for (let start = 0; start < results.length; start += RESULTS_CHUNK) {
        await tx.mirrorOriginResult.createMany({
          data: results.slice(start, start + RESULTS_CHUNK).map((result) => ({
            mirrorId: mirror.id,
            noteId: result.noteId,
            status: result.status as NoteStatus,
            runId: result.runId,
            preStabilizationStatus: explained(result.score, 'preStabilizationStatus', 32),
            decidedBy: explained(result.score, 'decidedBy', 64),
          })),
        });
      }
      await tx.mirror.update({
        where: { id: mirror.id },
        data: {
          originRunId: latest.id,
          originRunFinishedAt: new Date(latest.finishedAt as string),
          originRunInputHash: hashOrNull(latest.inputHash),
          // An origin whose runs keep no data hash cannot be compared by data: null.
          originRunDataHash: hashOrNull(latest.dataHash),
        },
      });
    }, TRANSACTION);
    return latest.id;
  }
}

/**
 * A field of the origin's explanation of a note (`score`), kept to tell a note held back by
 * stabilisation from a disagreement; null when absent or not what the column can hold.
 */
function explained(score: unknown, field: string, maxLength: number): string | null {
  if (score === null || typeof score !== 'object') return null;
  const value = (score as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length <= maxLength ? value : null;
}

function hashOrNull(hash: unknown): string | null {
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null;
}
