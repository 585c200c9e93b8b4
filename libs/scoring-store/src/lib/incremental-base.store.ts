import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import { decodeFrozenRaters, type FrozenRaters } from '@bridgenotes/scoring';

/** What an incremental run of a community starts from. */
export interface IncrementalBase {
  /** The full run whose frozen raters the notes are scored against. */
  baseRunId: string;
  frozen: FrozenRaters;
  /** The notes and ratings changed after this batch (the latest run's input) are rescored. */
  since: bigint;
}

/**
 * Decides whether a community's next run may be incremental, and reads what it needs: the
 * latest full run's frozen raters (kept by `ScoringPublisher` in `scoring_run_raters`) and the
 * latest run's change batch. A run must be full when there is no usable full run, when the last
 * one is older than `SCORING_FULL_RUN_INTERVAL_SECONDS`, or when `SCORING_FULL_RUN_AFTER_RATINGS`
 * ratings changed since it.
 */
@Injectable()
export class IncrementalBaseStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  /** The base of an incremental run, or why the run must be full. */
  async baseFor(communityId: string, nowMs: number): Promise<IncrementalBase | { full: string }> {
    const interval = this.env.SCORING_FULL_RUN_INTERVAL_SECONDS;
    if (interval === 0) return { full: 'incremental runs are off' };
    const [base] = await this.prisma.$queryRaw<
      { id: string; finished_at: Date; changed_through: bigint | null; state: Uint8Array | null }[]
    >`
      SELECT r.id, r.finished_at, r.changed_through, f.state
        FROM scoring_runs r LEFT JOIN scoring_run_raters f ON f.run_id = r.id
       WHERE r.community_id = ${communityId}::uuid AND r.status = 'SUCCEEDED' AND r.kind = 'FULL'
       ORDER BY r.finished_at DESC LIMIT 1`;
    if (!base) return { full: 'no full run yet' };
    if (!base.state || base.changed_through === null) {
      return { full: 'the last full run left no frozen raters' };
    }
    if (nowMs - base.finished_at.getTime() >= interval * 1_000) {
      return { full: `the last full run is over ${interval} s old` };
    }
    const limit = this.env.SCORING_FULL_RUN_AFTER_RATINGS;
    // Counted up to the limit only: the count's cost stays bounded however far behind it is.
    const [{ changed }] = await this.prisma.$queryRaw<[{ changed: number }]>`
      SELECT count(*)::int AS changed FROM (
        SELECT 1 FROM ratings
         WHERE community_id = ${communityId}::uuid AND changed_batch > ${base.changed_through}
         LIMIT ${limit}) AS r`;
    if (changed >= limit) return { full: `${limit} ratings changed since the last full run` };
    const [latest] = await this.prisma.$queryRaw<{ changed_through: bigint | null }[]>`
      SELECT changed_through FROM scoring_runs
       WHERE community_id = ${communityId}::uuid AND status = 'SUCCEEDED'
       ORDER BY finished_at DESC LIMIT 1`;
    return {
      baseRunId: base.id,
      frozen: decodeFrozenRaters(base.state),
      since: latest?.changed_through ?? base.changed_through,
    };
  }
}
