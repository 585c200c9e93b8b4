import { GroupTreeStore, PrismaService, type Mirror, type Prisma } from '@bridgenotes/database';
import {
  RootIndex,
  type ExportClient,
  type MemberRecord,
  type RootRecord,
} from '@bridgenotes/open-data';
import { CLOCK_SKEW_MINUTES, type TreeChange } from '@bridgenotes/protocol';

import type { MirrorCursors, OriginRules, PullOutcome, Refusal } from './mirror-state';
import { PageSettlement, pagesOf, readAll } from './page-settlement';
import { DECIMAL, leafOf, storableTime } from './record-rules';

type Tx = Prisma.TransactionClient;

/** How far past this clock plus the skew a root may be dated and still be waited for. */
export const AHEAD_WAIT_MS = 60 * 60_000;

/**
 * The roots and members stream of a pull. New roots are accepted in history order, each only if
 * replaying the published admissions (by leaf) or the next removal (by time) onto the tree the
 * mirror holds gives exactly that root. The first root that does not is refused with everything
 * after it (all later roots build on it); the tree stays as it was before it.
 *
 * A root refused only as dated ahead of this clock (more than the protocol's skew, by less than
 * `AHEAD_WAIT_MS`) is taken by a later pull: `pull` then says why the change feeds wait, as what
 * is proven against that root would otherwise be refused as PROOF_ROOT_UNKNOWN and passed for
 * good. A root further ahead is a clock that jumped, not one that drifts: every root after it is
 * dated after it, so waiting would stall the feeds for good; it is refused like a backdated one.
 */
export class MembershipPuller {
  constructor(
    private readonly prisma: PrismaService,
    private readonly trees: GroupTreeStore,
    private readonly settlement: PageSettlement,
    /** `MIRROR_MAX_STREAM_RECORDS`: the most roots, or members, one pull reads. */
    private readonly maxRecords: number,
  ) {}

  async pull(
    mirror: Mirror,
    client: ExportClient,
    cursors: MirrorCursors,
    outcome: PullOutcome,
  ): Promise<string | undefined> {
    const roots = await readAll(client, 'roots', cursors.roots, this.maxRecords);
    if (roots.length === 0) return undefined;
    const newMembers = await readAll(client, 'members', cursors.members, this.maxRecords);
    const { treeSize } = await this.prisma.community.findUniqueOrThrow({
      where: { id: mirror.communityId },
      select: { treeSize: true },
    });
    let size = treeSize;
    let removals = false;
    for (const root of roots) {
      if (root.size <= size) removals = true;
      size = Math.max(size, root.size);
    }
    // Removals change existing members: only a full read shows them (rare); only the removed
    // members are kept of it.
    const removedAtOrigin: MemberRecord[] = [];
    if (removals) {
      for await (const page of pagesOf(client, 'members', undefined, this.maxRecords)) {
        for (const member of page) if (member.removedAt !== null) removedAtOrigin.push(member);
      }
    }
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    /** Set when a root was refused as dated ahead of this clock: taken once it caught up. */
    let ahead: string | undefined;

    await this.settlement.commit(mirror.id, cursors, refusals, async (tx) => {
      const moved: MirrorCursors = {};
      const tree = await this.trees.lock(tx, communityId);
      const locallyRemoved = new Set(
        (
          await tx.member.findMany({
            where: { communityId, removedAt: { not: null } },
            select: { leafIndex: true },
          })
        ).map((member) => member.leafIndex),
      );
      const pendingRemovals = removedAtOrigin
        .filter((member) => !locallyRemoved.has(member.leafIndex))
        .sort((a, b) => Date.parse(a.removedAt as string) - Date.parse(b.removedAt as string));
      const byLeaf = new Map(newMembers.map((member) => [member.leafIndex, member]));
      let current = tree.size;
      // Roots are dated by the origin: each no earlier than the one before (the replay and the
      // root window follow that order), none ahead of this clock, all within storable years.
      const latest = await tx.groupRoot.findFirst({
        where: { communityId },
        orderBy: { createdAt: 'desc' },
        select: { createdAt: true },
      });
      let previousAt = latest?.createdAt.getTime() ?? -Infinity;
      const notAfter = Date.now() + CLOCK_SKEW_MINUTES * 60_000;
      for (const root of roots) {
        const refuse = (code: string, message: string) =>
          void refusals.push({ stream: 'roots', subject: `root ${root.root}`, code, message });
        const at = storableTime(root.createdAt);
        if (at === undefined || at < previousAt || at > notAfter) {
          if (at !== undefined && at >= previousAt && at <= notAfter + AHEAD_WAIT_MS) {
            // Said in `lastError`, which is public: only what was checked (a root's decimal
            // form, its time as read), nothing of the origin's text.
            const named = DECIMAL.test(String(root.root)) ? `root ${root.root}` : 'a root';
            ahead = `${named} is dated ${new Date(at).toISOString()}, ahead of this instance's clock: the notes, ratings and requests wait with it for a later pull`;
          }
          refuse(
            'ROOT_TIME_INVALID',
            at === undefined
              ? `created at ${root.createdAt}, not a time from 2000 to 2200`
              : at < previousAt
                ? `created at ${root.createdAt}, before the root it follows (${new Date(previousAt).toISOString()})`
                : at > notAfter + AHEAD_WAIT_MS
                  ? `created at ${root.createdAt}, more than an hour ahead of this instance's clock and the skew: not waited for (the origin's clock jumped)`
                  : `created at ${root.createdAt}, ahead of this instance's clock: taken, with the roots after it and the notes, ratings and requests proven against them, by a pull once this clock has caught up`,
          );
          break;
        }
        let change: TreeChange;
        let added: MemberRecord[] = [];
        let removed: MemberRecord | undefined;
        if (root.size > current) {
          added = Array.from({ length: root.size - current }, (_, offset) =>
            byLeaf.get(current + offset),
          ).filter((member): member is MemberRecord => member !== undefined);
          if (added.length !== root.size - current) {
            refuse(
              'ROOT_NOT_FROM_MEMBERS',
              `root of ${root.size} leaves at ${root.createdAt}, but the published members do not fill leaves ${current} to ${root.size - 1}`,
            );
            break;
          }
          const leaves = added.map((member) => leafOf(member.commitment));
          const known = await tx.member.count({
            where: { communityId, commitment: { in: added.map((member) => member.commitment) } },
          });
          if (leaves.some((leaf) => leaf === undefined)) {
            refuse('MEMBER_INVALID', 'a published commitment is not a non-zero field element');
            break;
          }
          if (
            known > 0 ||
            new Set(added.map((member) => member.commitment)).size !== added.length
          ) {
            refuse('MEMBER_DUPLICATE', 'a published commitment was admitted twice');
            break;
          }
          change = await this.trees.appended(tx, communityId, current, leaves as bigint[]);
        } else if (root.size === current && pendingRemovals.length > 0) {
          removed = pendingRemovals.shift() as MemberRecord;
          if (storableTime(removed.removedAt) === undefined) {
            refuse(
              'ROOT_TIME_INVALID',
              `removes member ${removed.leafIndex} at ${removed.removedAt}, not a time from 2000 to 2200`,
            );
            break;
          }
          change = await this.trees.withLeaf(tx, communityId, current, removed.leafIndex, 0n);
        } else {
          refuse(
            'ROOT_NOT_FROM_MEMBERS',
            `root of ${root.size} leaves at ${root.createdAt} follows no published admission or removal`,
          );
          break;
        }
        if (change.root.toString() !== root.root) {
          refuse(
            'ROOT_NOT_FROM_MEMBERS',
            `the published members give ${change.root} at ${root.createdAt}, not this root`,
          );
          break;
        }
        await this.applyRoot(tx, communityId, root, change, added, removed);
        current = change.size;
        previousAt = at;
        moved.roots = root.cursor;
        if (added.length > 0) moved.members = (added[added.length - 1] as MemberRecord).cursor;
        outcome.accepted.roots += 1;
        outcome.accepted.members += added.length;
      }
      return moved;
    });
    outcome.refused += refusals.length;
    return ahead;
  }

  /** The mirror's root history as the proofs' root window reads it. */
  async rootIndex(communityId: string, rules: OriginRules): Promise<RootIndex> {
    const roots = await this.trees.rootHistory(communityId);
    return new RootIndex(
      roots.map((root) => ({
        root: root.root,
        createdAt: root.createdAt.toISOString(),
        supersededAt: root.supersededAt?.toISOString() ?? null,
      })),
      rules.rootHistoryWindowSeconds * 1_000,
    );
  }

  /** The tree change at the origin's time, and the members it admitted or removed. */
  private async applyRoot(
    tx: Tx,
    communityId: string,
    root: RootRecord,
    change: TreeChange,
    added: MemberRecord[],
    removed: MemberRecord | undefined,
  ): Promise<void> {
    await this.trees.publish(tx, communityId, change, new Date(root.createdAt));
    if (added.length > 0) {
      await tx.member.createMany({
        data: added.map((member) => ({
          communityId,
          commitment: member.commitment,
          leafIndex: member.leafIndex,
        })),
      });
    }
    if (removed) {
      await tx.member.updateMany({
        where: { communityId, leafIndex: removed.leafIndex },
        data: { removedAt: new Date(removed.removedAt as string) },
      });
    }
  }
}
