import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { ModerationLogStore, PrismaService } from '@bridgenotes/database';
import {
  Action,
  checkActionProof,
  createProofVerifier,
  ProofJson,
  ProofVerifier,
  ProofVerifierBusyError,
  ProofVerifierUnavailableError,
  ProofWithdrawnError,
  releaseCurve,
  RootStatus,
} from '@bridgenotes/protocol';

import { Gauge } from 'prom-client';

import { ApiError } from '../common/api-error';
import { requestContext } from '../common/request-context';
import type { CommunityKey } from '../communities/communities.service';
import { MetricsRegistry } from '../metrics/metrics-registry';

export type ActionInput = Omit<Action, 'community'>;

/**
 * The shared check for every write: "a member of this community, with pseudonym P, says exactly
 * this action". Returns P, or throws the 4xx `ApiError` of the first check that failed.
 */
@Injectable()
export class ActionProofsService implements OnModuleInit, OnApplicationShutdown {
  /**
   * Groth16 verification runs in `PROOF_VERIFIER_THREADS` worker threads, so that it uses every
   * core and the request thread stays free for HTTP and PostgreSQL while proofs are checked.
   */
  private readonly verifier: ProofVerifier;

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    private readonly moderation: ModerationLogStore,
    metrics: MetricsRegistry,
  ) {
    const verifier = createProofVerifier(env.PROOF_VERIFIER_THREADS, {
      maxQueued: env.PROOF_VERIFIER_QUEUE,
    });
    this.verifier = verifier;
    new Gauge({
      name: 'bridgenotes_proof_verifier_queued',
      help: `Proofs waiting for a verifier thread now (at most PROOF_VERIFIER_QUEUE, ${env.PROOF_VERIFIER_QUEUE}).`,
      registers: [metrics],
      collect() {
        this.set(verifier.queued);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    // Every thread builds its (single-threaded) curve and verifies a known proof before the
    // first member's request: about half a second per thread at boot instead of on that request.
    await this.verifier.warmUp();
  }

  async onApplicationShutdown(): Promise<void> {
    // The HTTP server has stopped taking requests: let the verifications in progress finish.
    await this.verifier.close();
    // The curve this thread built when verifying with 0 threads.
    await releaseCurve();
  }

  async verify(
    community: Pick<CommunityKey, 'id' | 'scope'>,
    action: ActionInput,
    proof: unknown,
  ): Promise<string> {
    const result = await checkActionProof({
      proof,
      action: { ...action, community: community.id },
      scope: BigInt(community.scope),
      rootStatus: (root) => this.rootStatus(community.id, root),
      verifyGroth16: (parsed) => this.verifyGroth16(parsed as unknown as ProofJson),
    });
    if (result.ok) {
      // A blocked pseudonym's writes are refused once it is known (docs/moderation.md).
      if (await this.moderation.isBlocked(community.id, result.pseudonym)) {
        throw ApiError.of('PSEUDONYM_BLOCKED');
      }
      return result.pseudonym;
    }
    // The catalogue gives each failure its status: 403 for those saying the sender is not (or
    // no longer) shown to be a member, 400 for a malformed or mismatched proof.
    throw new ApiError(result.code, result.message);
  }

  private async verifyGroth16(proof: ProofJson): Promise<boolean> {
    try {
      const context = requestContext.getStore();
      const [valid] = await this.verifier.verify([proof], {
        alone: context?.proofsAlone ?? false,
        withdrawn: context?.proofSender?.withdrawn,
        onInvalid: context?.proofSender?.failed,
      });
      return valid === true;
    } catch (error) {
      if (error instanceof ProofWithdrawnError) {
        // Retry-After is set by the throttling module's ProofFailuresInterceptor.
        throw ApiError.of('PROOF_WITHDRAWN');
      }
      if (error instanceof ProofVerifierBusyError) {
        // Retry-After is set by the throttling module's ProofFailuresInterceptor.
        throw ApiError.of('PROOF_VERIFIER_BUSY');
      }
      if (!(error instanceof ProofVerifierUnavailableError)) throw error;
      throw ApiError.of('PROOF_VERIFIER_UNAVAILABLE');
    }
  }

  /** Current, or replaced less than the window ago (Semaphore's `merkleTreeDuration`). */
  private async rootStatus(communityId: string, root: bigint): Promise<RootStatus> {
    const [row] = await this.prisma.$queryRaw<
      { current: boolean | null; recent: boolean | null }[]
    >`
      SELECT bool_or(superseded_at IS NULL) AS current,
             bool_or(superseded_at > now() - make_interval(secs => ${this.env.ROOT_HISTORY_WINDOW_SECONDS})) AS recent
        FROM group_roots WHERE community_id = ${communityId}::uuid AND root = ${root.toString()}`;
    if (!row || row.current === null) return 'unknown';
    if (row.current) return 'current';
    return row.recent ? 'recent' : 'expired';
  }
}
