import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@bridgenotes/database';

/**
 * A community's scoring lease: the run holding it may retake it at once when its job is retried;
 * any other run waits until the holder releases it or it runs out. A run renews it every third of
 * this while it waits on the database or on scoring threads, and again once scoring is done (a
 * scoring in this thread, `SCORING_THREADS` 1, blocks the timer), so a long run keeps it as long
 * as one scoring lasts less than this; a dead worker's lease lapses within this.
 */
export const LEASE_SECONDS = 900;

/** The lease as one attempt at a run holds it. */
export interface HeldLease {
  communityId: string;
  runId: string;
  /** This attempt's own: a retry of the run takes the lease over with another. */
  token: string;
}

/**
 * One run of a community at a time, in any number of workers. The lease names the run (so that
 * its retry may take it over when the attempt before died or lost its job) and the attempt
 * holding it: only that attempt renews or releases it, so an overtaken attempt still running
 * cannot free the lease its retry is using for another run to take.
 */
@Injectable()
export class ScoringLease {
  constructor(private readonly prisma: PrismaService) {}

  /** The lease for this attempt, or undefined while another run holds it. */
  async acquire(communityId: string, runId: string): Promise<HeldLease | undefined> {
    const token = randomUUID();
    const acquired = await this.prisma.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = now() + make_interval(secs => ${LEASE_SECONDS}),
             scoring_lease_owner = ${runId}::uuid, scoring_lease_token = ${token}::uuid
       WHERE id = ${communityId}::uuid
         AND (scoring_lease_until IS NULL OR scoring_lease_until < now() OR scoring_lease_owner = ${runId}::uuid)`;
    return acquired === 1 ? { communityId, runId, token } : undefined;
  }

  /** Extends the lease while this attempt holds it; one that passed on stays where it is. */
  async renew({ communityId, token }: HeldLease): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE id = ${communityId}::uuid AND scoring_lease_token = ${token}::uuid`;
  }

  /**
   * Frees the lease if the run holds it, whichever of its attempts took it: once the run has
   * failed (`RunFailureRecorder`, in the transaction that fails it), no attempt of it may go on,
   * and one that hung would otherwise keep the community from being scored until the lease ran
   * out. Answers the run's community (undefined for a missing run).
   */
  async releaseRun(tx: Prisma.TransactionClient, runId: string): Promise<string | undefined> {
    const [run] = await tx.$queryRaw<{ community_id: string }[]>`
      SELECT community_id FROM scoring_runs WHERE id = ${runId}::uuid`;
    if (!run) return undefined;
    await tx.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = NULL, scoring_lease_owner = NULL, scoring_lease_token = NULL
       WHERE id = ${run.community_id}::uuid AND scoring_lease_owner = ${runId}::uuid`;
    return run.community_id;
  }

  /** Frees the lease if this attempt still holds it. */
  async release({ communityId, token }: HeldLease): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE communities
         SET scoring_lease_until = NULL, scoring_lease_owner = NULL, scoring_lease_token = NULL
       WHERE id = ${communityId}::uuid AND scoring_lease_token = ${token}::uuid`;
  }
}
