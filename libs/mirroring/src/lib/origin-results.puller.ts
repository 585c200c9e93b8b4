import { Logger } from '@nestjs/common';
import { NoteStatus, PrismaService, type Mirror } from '@bridgenotes/database';
import {
  fetchJson,
  recordProblem,
  type ExportClient,
  type ResultRecord,
} from '@bridgenotes/open-data';

import { MirrorPullError } from './mirror-state';
import type { OriginLimits } from './origin-limits';
import { pagesOf, TRANSACTION } from './page-settlement';
import { storableTime, UUID } from './record-rules';
import { RowSpill } from './row-spill';

const RESULTS_CHUNK = 5_000;
const STATUSES: ReadonlySet<string> = new Set(Object.values(NoteStatus));

/** What the mirror keeps of one of the origin's results. */
interface OriginResultRow {
  noteId: string;
  status: NoteStatus;
  runId: string | null;
  preStabilizationStatus: string | null;
  decidedBy: string | null;
}

/** A run as the origin's `GET /communities/{slug}/scoring-runs` lists it. */
interface OriginRun {
  id: string;
  status: string;
  finishedAt: string | null;
  inputHash: string | null;
  dataHash?: string | null;
}

/** The origin's own published statuses, kept beside the mirror's to report their divergence. */
export class OriginResultsPuller {
  private readonly logger = new Logger(OriginResultsPuller.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly limits: OriginLimits,
  ) {}

  /**
   * When the origin has published a run the mirror has not seen, its per-note statuses, kept to
   * compare with the mirror's own (`divergence`). Returns that run's id when it fetched them.
   * The stream goes to a file as it is read, and replaces what the mirror had only once read
   * to its end: a read that stops leaves the last run's statuses as they were. A result the
   * table cannot hold is left out, counted: a value the database refuses would fail the
   * transaction after every page was stored, and so every pull, leaving the mirror never pulled
   * through (no promotion). These statuses only inform the divergence report.
   */
  async pull(
    mirror: Mirror,
    client: ExportClient,
    fetcher: typeof fetch | undefined,
  ): Promise<string | undefined> {
    const latest = await this.latestRun(mirror, fetcher);
    if (!latest || latest.id === mirror.originRunId) return undefined;
    const spill = await RowSpill.open<OriginResultRow>();
    try {
      const results = pagesOf(client, 'results', undefined, this.limits.maxStreamRecords);
      let skipped = 0;
      for await (const page of results) {
        const rows = page.flatMap((result) => kept(result) ?? []);
        skipped += page.length - rows.length;
        await spill.write(rows);
      }
      if (skipped > 0) {
        // Counted only: what the origin sent is the origin's, and logs keep no values.
        this.logger.warn(`mirror ${mirror.id}: ${skipped} origin results left out, malformed`);
      }
      await this.prisma.$transaction(async (tx) => {
        await tx.mirrorOriginResult.deleteMany({ where: { mirrorId: mirror.id } });
        for await (const rows of spill.chunks(RESULTS_CHUNK)) {
          await tx.mirrorOriginResult.createMany({
            data: rows.map((row) => ({ mirrorId: mirror.id, ...row })),
            // A note the origin lists twice: its first result is kept.
            skipDuplicates: true,
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
    } finally {
      await spill.remove();
    }
    return latest.id;
  }

  /** The origin's latest succeeded run, of those the mirror can record (an id, a time from 2000 to 2200). */
  private async latestRun(
    mirror: Mirror,
    fetcher: typeof fetch | undefined,
  ): Promise<OriginRun | undefined> {
    const url = `${mirror.originUrl.replace(/\/+$/, '')}/communities/${encodeURIComponent(mirror.originSlug)}/scoring-runs?limit=20`;
    const list = await fetchJson(url, { fetcher, limits: this.limits });
    const items = (list as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) {
      throw new MirrorPullError('ORIGIN_INVALID', `GET ${url}: the answer lists no runs (items)`);
    }
    return (items as (OriginRun | null)[])
      .filter(
        (run): run is OriginRun =>
          run?.status === 'SUCCEEDED' &&
          typeof run.id === 'string' &&
          UUID.test(run.id) &&
          typeof run.finishedAt === 'string' &&
          // A time the column holds: year -100000 would fail the transaction of every pull.
          storableTime(run.finishedAt) !== undefined,
      )
      .sort((a, b) => Date.parse(b.finishedAt as string) - Date.parse(a.finishedAt as string))[0];
  }
}

/** The row kept of a result, or undefined when the table cannot hold it. */
function kept(result: ResultRecord): OriginResultRow | undefined {
  if (
    recordProblem('results', result) !== undefined ||
    !UUID.test(result.noteId) ||
    !STATUSES.has(result.status) ||
    (result.runId !== null && !UUID.test(result.runId))
  ) {
    return undefined;
  }
  return {
    noteId: result.noteId,
    status: result.status as NoteStatus,
    runId: result.runId,
    preStabilizationStatus: explained(result.score, 'preStabilizationStatus', 32),
    decidedBy: explained(result.score, 'decidedBy', 64),
  };
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
