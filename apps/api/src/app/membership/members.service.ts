import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  AdmissionPolicy,
  Community,
  countMemberJoins,
  GroupTreeStore,
  LockedTree,
  memberJoinsDay,
  Prisma,
  PrismaService,
} from '@bridgenotes/database';
import { SNARK_SCALAR_FIELD, TREE_DEPTH } from '@bridgenotes/protocol';
import { createHash, randomBytes } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { HOUR_MS, startOfHour } from '../common/hour';
import { CredentialAdmissionService } from '../credentials/credential-admission.service';
import { quotaDay } from '../notes/pseudonym-quotas';
import { Sealer } from '../sealing/sealer.service';
import { type SealedEntry, WriteBuffer } from '../sealing/write-buffer.service';

type Tx = Prisma.TransactionClient;

/** What a member brings to a CREDENTIAL community's join. */
export interface CredentialJoin {
  ticket?: string;
  replaceLostIdentity?: boolean;
}

export interface MembershipChange {
  /** Null while the join waits in the write buffer (`pending`). */
  leafIndex: number | null;
  root: string;
  size: number;
  pending?: boolean;
}

/** A join waiting in the write buffer. */
interface BufferedJoin {
  commitment: string;
  codeHash?: string;
  /** With a member's code: the UTC day (a `quotaDay`) it counts on, for MEMBER_INVITES_PER_DAY. */
  memberDay?: number;
}

/** Tree changes of a community queue on its row lock; give a busy community time to serve them. */
const TREE_TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

function leafOf(commitment: string): bigint {
  const value = BigInt(commitment);
  if (value === 0n || value >= SNARK_SCALAR_FIELD) {
    throw ApiError.of('COMMITMENT_INVALID');
  }
  return value;
}

/** Past 2^depth leaves no member could prove at the fixed depth any more. */
function assertRoom(size: number, joining: number): void {
  if (size + joining > 2 ** TREE_DEPTH) throw ApiError.of('GROUP_FULL');
}

@Injectable()
export class MembersService {
  /**
   * The tail of each community's joins (and member batches) in this process. A tree change
   * waits for the community's row lock inside its transaction, holding a pooled database
   * connection all the while; queued here first, a burst of joins holds one connection per
   * community instead of the whole pool, which every other request needs (measured with `npm run bench:abuse`: ten
   * concurrent joins starved members' ratings of connections into 500s).
   */
  private readonly treeChanges = new Map<string, Promise<unknown>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly tree: GroupTreeStore,
    private readonly credentials: CredentialAdmissionService,
    private readonly buffer: WriteBuffer,
    private readonly sealer: Sealer,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {
    buffer.register<BufferedJoin>('join', (tx, entries) => this.seal(tx, entries));
  }

  /** Runs `change` after this process's earlier tree changes of the community have ended. */
  private inTurn<T>(communityId: string, change: () => Promise<T>): Promise<T> {
    const previous = this.treeChanges.get(communityId) ?? Promise.resolve();
    const current = previous.then(change, change);
    const tail = current.catch(() => undefined);
    this.treeChanges.set(communityId, tail);
    void tail.then(() => {
      if (this.treeChanges.get(communityId) === tail) this.treeChanges.delete(communityId);
    });
    return current;
  }

  /**
   * A member joins by the community's policy. An OPEN or INVITE join is checked in full, then
   * goes through the write buffer (docs/threat-model.md): the answer says `pending` until its
   * batch is sealed, and the member appears in the group then. Nothing changes on a refusal.
   */
  async join(
    community: Community,
    commitment: string,
    inviteCode?: string,
    credential: CredentialJoin = {},
  ): Promise<MembershipChange> {
    if (community.admission === AdmissionPolicy.CREDENTIAL) {
      return this.joinByCredential(community, commitment, credential);
    }
    if (community.admission === AdmissionPolicy.CLOSED) {
      throw ApiError.of('ADMISSION_CLOSED');
    }
    if (community.admission === AdmissionPolicy.INVITE && !inviteCode) {
      throw ApiError.of('INVITE_REQUIRED');
    }
    leafOf(commitment);
    // The code counts only where admission is by invitation (docs/protocol.md), as the ticket
    // only where it is by credential: an OPEN join with one is an OPEN join, whatever the code.
    const invited = community.admission === AdmissionPolicy.INVITE && inviteCode !== undefined;
    const codeHash = invited ? hashCode(inviteCode) : undefined;
    const dedupeKey = `j:${community.id}:${commitment}`;
    let resent = false;
    const payload: BufferedJoin = { commitment, codeHash };
    const buffered = await this.buffer.submit<BufferedJoin>(
      `join:${community.id}`,
      async (tx) => {
        // Every check a new join passes comes first: whether this commitment already waits is
        // known only to whoever passes them all (see below).
        const waiting = await this.buffer.waiting<BufferedJoin>(tx, community.id, 'join', 'j:');
        // The same invited join sent again (its answer lost): its sender holds the code and the
        // commitment, and learns nothing from hearing that it waits.
        resent =
          codeHash !== undefined &&
          waiting.some((join) => join.commitment === commitment && join.codeHash === codeHash);
        if (resent) return false;
        // A stored member is in the public group: said before the code is checked, so that a
        // join resent after its batch was sealed hears that it is a member, not that its code
        // is used (which would send a member for a new code).
        await this.assertNoMember(tx, community.id, [commitment]);
        const invite = codeHash
          ? await this.checkInvite(tx, community.id, codeHash, waiting)
          : null;
        const { treeSize } = await tx.community.findUniqueOrThrow({
          where: { id: community.id },
          select: { treeSize: true },
        });
        assertRoom(treeSize + waiting.length, 1);
        // Waiting already: nothing more to store.
        if (waiting.some((join) => join.commitment === commitment)) return false;
        // Stored by `submit` once this check passes: the day is known only under the lock.
        if (invite?.byMember) {
          payload.memberDay = await this.memberJoinDay(tx, community.id, waiting);
        }
        return true;
      },
      { communityId: community.id, kind: 'join', actor: commitment, dedupeKey, payload },
    );
    // A join that waits in an OPEN community is answered as the pending join it is, like a new
    // one: a refusal would tell anyone that this commitment has just asked to join (its batch
    // hides when it did). In an INVITE community the asker holds an unused code of its own, and
    // the waiting join used another: the second join is refused.
    if (!buffered && !resent && community.admission !== AdmissionPolicy.OPEN) {
      throw ApiError.of('ALREADY_MEMBER');
    }
    await this.sealer.afterSubmit(community.id);
    const member = await this.prisma.member.findUnique({
      where: { communityId_commitment: { communityId: community.id, commitment } },
      select: { leafIndex: true },
    });
    const { treeRoot, treeSize } = await this.prisma.community.findUniqueOrThrow({
      where: { id: community.id },
      select: { treeRoot: true, treeSize: true },
    });
    return {
      leafIndex: member?.leafIndex ?? null,
      root: treeRoot,
      size: treeSize,
      pending: !member,
    };
  }

  /**
   * Stores a batch's joins: per community, the invite codes redeemed and every new leaf appended
   * at once, in the batch's shuffled order, under one new root.
   */
  private async seal(tx: Tx, entries: SealedEntry<BufferedJoin>[]): Promise<void> {
    const byCommunity = new Map<string, BufferedJoin[]>();
    for (const { communityId, payload } of entries) {
      byCommunity.set(communityId, [...(byCommunity.get(communityId) ?? []), payload]);
    }
    for (const [communityId, joins] of byCommunity) {
      const tree = await this.tree.lock(tx, communityId);
      // Checked when each join was answered; the codes are used now, each by its join alone.
      // One statement for the whole batch: one update each, in the batch's order, would leave
      // the codes' rows (their command ids and places in the file) in the order of the leaves.
      const codeHashes = joins.flatMap(({ codeHash }) => (codeHash ? [codeHash] : []));
      if (codeHashes.length > 0) {
        // To the hour: when a code was used says nothing finer than the batch's window.
        const redeemedAt = startOfHour();
        await tx.$executeRaw`
          UPDATE invite_codes SET redeemed_at = ${redeemedAt}
           WHERE community_id = ${communityId}::uuid AND code_hash = ANY(${codeHashes}::char(64)[])
             AND redeemed_at IS NULL`;
      }
      const stored = await tx.member.findMany({
        where: { communityId, commitment: { in: joins.map((join) => join.commitment) } },
        select: { commitment: true },
      });
      const known = new Set(stored.map((member) => member.commitment));
      const added = joins.filter((join) => !known.has(join.commitment));
      // Only the joins that add a member count towards the day's cap: one the operator added
      // while it waited adds no identity.
      await this.countMemberJoins(tx, communityId, added);
      const commitments = added.map((join) => join.commitment);
      if (commitments.length > 0) {
        await this.add(tx, communityId, tree, commitments, commitments.map(leafOf));
      }
    }
  }

  /**
   * One account of a trusted issuer, one membership. A second identity of the same account is
   * refused, unless the member says the first is lost: then its leaf is zeroed and the account
   * moves to the new member, in the same transaction as the ticket's use.
   */
  private async joinByCredential(
    community: Community,
    commitment: string,
    { ticket, replaceLostIdentity = false }: CredentialJoin,
  ): Promise<MembershipChange> {
    const leaf = leafOf(commitment);
    const hashes = await this.credentials.check(community, ticket);
    return this.inTurn(community.id, () =>
      this.joinWithTicket(community, commitment, leaf, hashes, replaceLostIdentity),
    );
  }

  private joinWithTicket(
    community: Community,
    commitment: string,
    leaf: bigint,
    hashes: Awaited<ReturnType<CredentialAdmissionService['check']>>,
    replaceLostIdentity: boolean,
  ): Promise<MembershipChange> {
    return this.prisma.$transaction(async (tx) => {
      let tree = await this.tree.lock(tx, community.id);
      // A stored member is said before the ticket is used (docs/protocol.md): a join resent after
      // its answer was lost hears that it is a member, not that its account should replace it.
      await this.assertNoMember(tx, community.id, [commitment]);
      const admission = await this.credentials.admit(tx, community, hashes, replaceLostIdentity);
      if (admission.replaces) {
        const lost = admission.replaces;
        const removal = await this.tree.withLeaf(tx, community.id, tree.size, lost.leafIndex, 0n);
        await this.tree.publish(tx, community.id, removal);
        await tx.member.update({ where: { id: lost.id }, data: { removedAt: new Date() } });
        tree = { size: removal.size, root: removal.root.toString() };
      }
      const change = await this.add(tx, community.id, tree, [commitment], [leaf]);
      const member = await tx.member.findUniqueOrThrow({
        where: { communityId_commitment: { communityId: community.id, commitment } },
        select: { id: true },
      });
      await admission.attach(tx, member.id);
      return change;
    }, TREE_TRANSACTION);
  }

  /** The operator adds members whatever the policy; a batch shares one new root. */
  async addMany(community: Community, commitments: string[]): Promise<MembershipChange> {
    if (new Set(commitments).size !== commitments.length) {
      throw ApiError.of('COMMITMENT_DUPLICATED');
    }
    const leaves = commitments.map(leafOf);
    return this.inTurn(community.id, () =>
      this.prisma.$transaction(async (tx) => {
        const tree = await this.tree.lock(tx, community.id);
        return this.add(tx, community.id, tree, commitments, leaves);
      }, TREE_TRANSACTION),
    );
  }

  /** Zeroes the member's leaf, as Semaphore does; the leaf index is never reused. */
  async remove(community: Community, commitment: string): Promise<MembershipChange> {
    return this.prisma.$transaction(async (tx) => {
      const tree = await this.tree.lock(tx, community.id);
      const member = await tx.member.findUnique({
        where: { communityId_commitment: { communityId: community.id, commitment } },
      });
      if (!member || member.removedAt) {
        throw ApiError.of('MEMBER_NOT_FOUND');
      }
      const change = await this.tree.withLeaf(tx, community.id, tree.size, member.leafIndex, 0n);
      await this.tree.publish(tx, community.id, change);
      await tx.member.update({ where: { id: member.id }, data: { removedAt: new Date() } });
      return { leafIndex: member.leafIndex, root: change.root.toString(), size: change.size };
    }, TREE_TRANSACTION);
  }

  async createInvites(
    community: Community,
    count: number,
    expiresInHours: number,
  ): Promise<{ codes: string[]; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + expiresInHours * HOUR_MS);
    const codes = Array.from({ length: count }, () => randomBytes(16).toString('base64url'));
    await this.prisma.inviteCode.createMany({
      data: codes.map((code) => ({
        communityId: community.id,
        codeHash: hashCode(code),
        expiresAt,
      })),
    });
    return { codes, expiresAt };
  }

  private async add(
    tx: Tx,
    communityId: string,
    tree: LockedTree,
    commitments: string[],
    leaves: bigint[],
  ): Promise<MembershipChange> {
    await this.assertJoinable(tx, communityId, tree.size, commitments);
    const change = await this.tree.appended(tx, communityId, tree.size, leaves);
    await this.tree.publish(tx, communityId, change);
    await tx.member.createMany({
      data: commitments.map((commitment, offset) => ({
        communityId,
        commitment,
        leafIndex: tree.size + offset,
      })),
    });
    return { leafIndex: tree.size, root: change.root.toString(), size: change.size };
  }

  private async assertJoinable(
    tx: Tx,
    communityId: string,
    size: number,
    commitments: string[],
  ): Promise<void> {
    assertRoom(size, commitments.length);
    await this.assertNoMember(tx, communityId, commitments);
  }

  /** Refuses commitments stored as members, present or past. */
  private async assertNoMember(tx: Tx, communityId: string, commitments: string[]): Promise<void> {
    const existing = await tx.member.findMany({
      where: { communityId, commitment: { in: commitments } },
      select: { commitment: true, removedAt: true },
    });
    // The refusal names the commitments it is for, all of them the caller's own: an operator's
    // batch of many is refused whole, and the operator needs to know which to leave out.
    const refused = (list: typeof existing) => ({
      commitments: list.map((member) => member.commitment),
    });
    // A removed (or replaced) commitment is no member: ALREADY_MEMBER would send its device
    // looking for a leaf that is zero now, saying forever that the join waits to be sealed.
    const ended = existing.filter((member) => member.removedAt !== null);
    if (ended.length > 0) {
      throw ApiError.of('MEMBERSHIP_ENDED').withDetails(refused(ended));
    }
    if (existing.length > 0) {
      throw ApiError.of('ALREADY_MEMBER').withDetails(refused(existing));
    }
  }

  /** A code a buffered join may use: known, unused (stored or waiting) and not expired. */
  private async checkInvite(
    tx: Tx,
    communityId: string,
    codeHash: string,
    waiting: BufferedJoin[],
  ): Promise<{ byMember: boolean }> {
    const invite = await tx.inviteCode.findFirst({
      where: { communityId, codeHash },
      select: { redeemedAt: true, expiresAt: true, byMember: true },
    });
    if (!invite) throw ApiError.of('INVITE_INVALID');
    if (invite.redeemedAt || waiting.some((join) => join.codeHash === codeHash)) {
      throw ApiError.of('INVITE_USED');
    }
    if (invite.expiresAt <= new Date()) throw ApiError.of('INVITE_EXPIRED');
    return invite;
  }

  /**
   * The day a join by a member's code counts on; refused once the joins by members' codes
   * answered that day, stored and waiting, reach MEMBER_INVITES_PER_DAY. A member's code is good
   * for a week, so capping only the codes created would let a week's codes join on one day.
   * Checked under the join's lock on the community: concurrent joins cannot overshoot it.
   */
  private async memberJoinDay(tx: Tx, communityId: string, waiting: BufferedJoin[]) {
    const stored = await memberJoinsDay(tx, communityId);
    // A process whose clock is behind another's counts on the later day already stored.
    const day = Math.max(quotaDay(this.clock.now()), stored?.day ?? 0);
    const joined =
      (stored?.day === day ? stored.joined : 0) +
      waiting.filter((join) => join.memberDay === day).length;
    const limit = this.env.MEMBER_INVITES_PER_DAY;
    if (joined >= limit) {
      throw ApiError.of('INVITE_JOINS_DAILY_LIMIT', limit).withDetails({ limit });
    }
    return day;
  }

  /** Counts a sealed batch's joins by members' codes on the days they were answered, in order. */
  private async countMemberJoins(tx: Tx, communityId: string, joins: BufferedJoin[]) {
    const byDay = new Map<number, number>();
    for (const { memberDay } of joins) {
      if (memberDay !== undefined) byDay.set(memberDay, (byDay.get(memberDay) ?? 0) + 1);
    }
    for (const [day, joined] of [...byDay].sort(([a], [b]) => a - b)) {
      await countMemberJoins(tx, communityId, day, joined);
    }
  }
}
