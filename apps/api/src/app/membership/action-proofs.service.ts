import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { ModerationLogStore, PrismaService } from '@bridgenotes/database';
import {
  Action,
  actionMessage,
  checkActionProof,
  createProofVerifier,
  parseProof,
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

/** What a proof claims, unverified: the pseudonym (its nullifier) and the message it signs. */
export interface ProofClaim {
  pseudonym: string;
  message: string;
}

/** Every field of two proofs, equal as sent: each is canonical (`parseProof`), so as bytes. */
function sameProof(a: ProofJson, b: ProofJson): boolean {
  return (
    a.merkleTreeDepth === b.merkleTreeDepth &&
    a.merkleTreeRoot === b.merkleTreeRoot &&
    a.nullifier === b.nullifier &&
    a.message === b.message &&
    a.scope === b.scope &&
    a.points.length === b.points.length &&
    a.points.every((point, index) => point === b.points[index])
  );
}

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
    return (await this.verifyWithRoot(community, action, proof)).pseudonym;
  }

  /** `verify`, answering the root the proof was made over too (a canonical decimal). */
  async verifyWithRoot(
    community: Pick<CommunityKey, 'id' | 'scope'>,
    action: ActionInput,
    proof: unknown,
  ): Promise<{ pseudonym: string; root: string }> {
    // The live members of the root judged and the minimum it was held to, for the answer to a
    // root too small.
    let liveMembers = 0;
    let required = this.env.PROOF_MIN_MEMBERS;
    const result = await checkActionProof({
      proof,
      action: { ...action, community: community.id },
      scope: BigInt(community.scope),
      rootStatus: async (root) => {
        const judged = await this.rootStatus(community.id, root);
        ({ liveMembers, required } = judged);
        return judged.status;
      },
      verifyGroth16: (parsed) => this.verifyGroth16(parsed as unknown as ProofJson),
    });
    if (result.ok) {
      // A blocked pseudonym's writes are refused once it is known (docs/moderation.md).
      if (await this.moderation.isBlocked(community.id, result.pseudonym)) {
        throw ApiError.of('PSEUDONYM_BLOCKED');
      }
      return { pseudonym: result.pseudonym, root: result.root };
    }
    if (result.code === 'PROOF_ROOT_TOO_SMALL') {
      // Where the community stands, for the client's sentence (how many more members it needs).
      throw ApiError.of('PROOF_ROOT_TOO_SMALL', required, liveMembers).withDetails({
        required,
        members: liveMembers,
      });
    }
    // The catalogue gives each failure its status: 403 for those saying the sender is not (or
    // no longer) shown to be a member, 400 for a malformed or mismatched proof.
    throw new ApiError(result.code, result.message);
  }

  /**
   * What a write answers a proof it accepted before, sent again exactly (a client resending its
   * kept body after a lost answer, docs/protocol.md): `kept` finds the write its claim names and
   * the proof it was accepted with (stored, or waiting in the write buffer), and that write is
   * answered when the two proofs are the same in every field and the proof still says this
   * action. No root or clock check: it passed them when first accepted, and only time has failed
   * them since, which would have the client prove anew and write the same thing twice. Undefined
   * for anything else, which the caller checks in full (`verify`): a proof with a known
   * pseudonym and message but other points learns nothing of a write waiting unsealed. A blocked
   * pseudonym's resend is checked in full too, and refused there as its new writes are.
   */
  async resent<W>(
    community: Pick<CommunityKey, 'id' | 'scope'>,
    action: ActionInput,
    proof: unknown,
    kept: (claim: ProofClaim) => Promise<{ write: W; proof: unknown } | undefined>,
  ): Promise<W | undefined> {
    const parsed = parseProof(proof);
    if (parsed?.scope !== BigInt(community.scope)) return undefined;
    try {
      if (parsed.message !== actionMessage({ ...action, community: community.id }))
        return undefined;
    } catch {
      return undefined;
    }
    const sent = parsed.proof as unknown as ProofJson;
    const found = await kept({ pseudonym: sent.nullifier, message: sent.message });
    const accepted = found && parseProof(found.proof);
    if (!found || !accepted || !sameProof(accepted.proof as unknown as ProofJson, sent)) {
      return undefined;
    }
    if (await this.moderation.isBlocked(community.id, sent.nullifier)) return undefined;
    return found.write;
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

  /**
   * Current, or replaced less than the window ago (Semaphore's `merkleTreeDuration`), and of at
   * least the community's minimum of live members: its own `proof_min_members` when the operator
   * set one, else PROOF_MIN_MEMBERS (semaphore.md §7.4: a proof hides its member among the
   * root's members only, and a pseudonym's anonymity set is the smallest it ever proved against,
   * for good). Rows from before the count was kept hold a lower bound (their migration). The
   * minimum is read with the root, never from the cached community key, so a change by PATCH
   * applies to the next proof.
   */
  private async rootStatus(
    communityId: string,
    root: bigint,
  ): Promise<{ status: RootStatus; liveMembers: number; required: number }> {
    const [row] = await this.prisma.$queryRaw<
      {
        current: boolean | null;
        recent: boolean | null;
        live: number | null;
        own_min: number | null;
      }[]
    >`
      SELECT bool_or(superseded_at IS NULL) AS current,
             bool_or(superseded_at > now() - make_interval(secs => ${this.env.ROOT_HISTORY_WINDOW_SECONDS})) AS recent,
             max(live_members) FILTER (WHERE superseded_at IS NULL
                 OR superseded_at > now() - make_interval(secs => ${this.env.ROOT_HISTORY_WINDOW_SECONDS})) AS live,
             (SELECT proof_min_members FROM communities WHERE id = ${communityId}::uuid) AS own_min
        FROM group_roots WHERE community_id = ${communityId}::uuid AND root = ${root.toString()}`;
    const required = row?.own_min ?? this.env.PROOF_MIN_MEMBERS;
    if (!row || row.current === null) return { status: 'unknown', liveMembers: 0, required };
    if (!row.current && !row.recent) return { status: 'expired', liveMembers: 0, required };
    const liveMembers = row.live ?? 0;
    if (liveMembers < required) return { status: 'too-small', liveMembers, required };
    return { status: row.current ? 'current' : 'recent', liveMembers, required };
  }
}
