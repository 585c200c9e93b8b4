import { Injectable } from '@nestjs/common';

import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

type Tx = Prisma.TransactionClient;

/** Why a community needs rescoring; kept only until the worker has queued the run. */
export type ScoringEventKind =
  | 'note.created'
  | 'note.deleted'
  | 'note.redacted'
  | 'rating.put'
  | 'mirror.notes'
  | 'mirror.ratings'
  /** The operator changed the community's topic seeds: every note's topic may have changed. */
  | 'community.seeds'
  /**
   * A run failed for a reason of the system's, not the data's (timed out, its job lost, the
   * database away): what it was asked to score still waits (`RunFailureRecorder`).
   */
  | 'run.failed';

/**
 * Events an incremental run cannot serve: it scores against the last full run's frozen raters
 * and topics, which new seeds make another input (the seeds may leave no topic note, which alone
 * would let the run be incremental, on a base scored with the old ones).
 */
const FULL_RUN_EVENTS: readonly ScoringEventKind[] = ['community.seeds'];

export interface PendingScoring {
  communityId: string;
  /** The last event seen: clearing up to it keeps events written meanwhile. */
  lastId: bigint;
  /** Whether an event among them needs a full run (`FULL_RUN_EVENTS`). */
  full: boolean;
}

/**
 * The one writer of `scoring_events`, the outbox that asks the worker for a rescoring. Every
 * accepted write records its event in its own transaction (so nothing is lost while the queue
 * is away); the worker's dispatcher reads what is pending and clears it once queued.
 */
@Injectable()
export class ScoringOutbox {
  constructor(private readonly prisma: PrismaService) {}

  /** In the caller's transaction, beside the write that changes what scoring reads. */
  async record(tx: Tx, communityId: string, kind: ScoringEventKind): Promise<void> {
    await tx.scoringEvent.create({ data: { communityId, kind } });
  }

  /**
   * The same, as a part of the caller's own statement: one event per row of the caller's CTE
   * `written`, for a write done in one statement (atomic without a transaction).
   */
  recordPerRow(communityId: string, kind: ScoringEventKind, written: string): Prisma.Sql {
    if (!/^[a-z_]+$/.test(written)) throw new Error(`"${written}" is not a CTE name`);
    return Prisma.sql`
      INSERT INTO scoring_events (community_id, kind)
      SELECT ${communityId}::uuid, ${kind} FROM ${Prisma.raw(written)}`;
  }

  /** Every community with events waiting. */
  async pending(): Promise<PendingScoring[]> {
    const rows = await this.prisma.$queryRaw<
      { community_id: string; last_id: bigint; full: boolean }[]
    >`
      SELECT community_id, max(id) AS last_id,
             bool_or(kind IN (${Prisma.join(FULL_RUN_EVENTS)})) AS full
        FROM scoring_events GROUP BY community_id`;
    return rows.map((row) => ({
      communityId: row.community_id,
      lastId: row.last_id,
      full: row.full,
    }));
  }

  async clear({ communityId, lastId }: PendingScoring): Promise<void> {
    await this.prisma.scoringEvent.deleteMany({ where: { communityId, id: { lte: lastId } } });
  }
}
