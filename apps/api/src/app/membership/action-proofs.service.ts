import { HttpStatus, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Community, PrismaService } from '@bridgenotes/database';
import {
  Action,
  checkActionProof,
  ProofFailureCode,
  releaseCurve,
  RootStatus,
  useSingleThreadedCurve,
} from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';

/** Proof failures that say the sender is not (or no longer) shown to be a member. */
const FORBIDDEN: ReadonlySet<ProofFailureCode> = new Set([
  'PROOF_ROOT_UNKNOWN',
  'PROOF_ROOT_EXPIRED',
  'PROOF_INVALID',
]);

export type ActionInput = Omit<Action, 'community'>;

/**
 * The shared check for every write: "a member of this community, with pseudonym P, says exactly
 * this action". Returns P, or throws the 4xx `ApiError` of the first check that failed.
 */
@Injectable()
export class ActionProofsService implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  async onModuleInit(): Promise<void> {
    // Built once at boot (about half a second) rather than on the first member's request.
    await useSingleThreadedCurve();
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseCurve();
  }

  async verify(community: Community, action: ActionInput, proof: unknown): Promise<string> {
    const result = await checkActionProof({
      proof,
      action: { ...action, community: community.id },
      scope: BigInt(community.scope),
      rootStatus: (root) => this.rootStatus(community.id, root),
    });
    if (result.ok) return result.pseudonym;
    const status = FORBIDDEN.has(result.code) ? HttpStatus.FORBIDDEN : HttpStatus.BAD_REQUEST;
    throw new ApiError(status, result.code, result.message);
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
