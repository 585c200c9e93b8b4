import { Injectable } from '@nestjs/common';
import { NoteStatus, Prisma, PrismaService, ScoringRunStatus } from '@bridgenotes/database';
import {
  ALGORITHM_VERSION,
  explainNote,
  NoteStatus as CoreStatus,
  ScoringResult,
  shownStatus,
} from '@bridgenotes/scoring';

import type { LoadedInput } from './scoring-input.loader';

const CHUNK = 5_000;

@Injectable()
export class ScoringPublisher {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Publishes a run in one transaction: every note's status and explanation, the status changes,
   * and the run record. Readers see the previous run's results until it commits, never a mix.
   */
  async publish(
    runId: string,
    loaded: LoadedInput,
    result: ScoringResult,
    seed: number,
  ): Promise<Record<NoteStatus, number>> {
    const { noteIds } = loaded.input;
    const counts = {
      NEEDS_MORE_RATINGS: 0,
      CURRENTLY_RATED_HELPFUL: 0,
      CURRENTLY_RATED_NOT_HELPFUL: 0,
    };
    const statuses: NoteStatus[] = [];
    const scores: string[] = [];
    noteIds.forEach((_, index) => {
      const status = shownStatus(result.status[index] as CoreStatus) as NoteStatus;
      counts[status] += 1;
      statuses.push(status);
      scores.push(JSON.stringify(explainNote(result, index)));
    });

    await this.prisma.$transaction(
      async (tx) => {
        for (let start = 0; start < noteIds.length; start += CHUNK) {
          await this.publishChunk(
            tx,
            runId,
            noteIds.slice(start, start + CHUNK),
            statuses.slice(start, start + CHUNK),
            scores.slice(start, start + CHUNK),
          );
        }
        await tx.scoringRun.update({
          where: { id: runId },
          data: {
            status: ScoringRunStatus.SUCCEEDED,
            finishedAt: new Date(),
            noteCount: loaded.noteCount,
            ratingCount: loaded.ratingCount,
            inputHash: loaded.inputHash,
            algorithmVersion: ALGORITHM_VERSION,
            seed,
            statusCounts: counts,
            error: null,
          },
        });
      },
      { timeout: 120_000 },
    );
    return counts;
  }

  private async publishChunk(
    tx: Prisma.TransactionClient,
    runId: string,
    ids: readonly string[],
    statuses: NoteStatus[],
    scores: string[],
  ): Promise<void> {
    // All parts of one statement see the same snapshot: `previous` is the status before this
    // update, so exactly the notes whose status changed get a history row.
    await tx.$executeRaw`
      WITH incoming AS (
        SELECT * FROM unnest(${ids as string[]}::uuid[], ${statuses}::text[], ${scores}::text[]) AS v(id, status, score)
      ), previous AS (
        SELECT n.id, n.status FROM notes n JOIN incoming ON incoming.id = n.id
      ), updated AS (
        UPDATE notes n
           SET status = incoming.status::"NoteStatus", score = incoming.score::jsonb, scored_run_id = ${runId}::uuid
          FROM incoming WHERE n.id = incoming.id
        RETURNING n.id, n.status
      )
      INSERT INTO note_status_changes (note_id, run_id, previous, next)
      SELECT previous.id, ${runId}::uuid, previous.status, updated.status
        FROM previous JOIN updated ON updated.id = previous.id
       WHERE previous.status <> updated.status`;
  }
}
