import { Injectable } from '@nestjs/common';
import {
  appendLeaves,
  nodeKey,
  nodesNeededToAppend,
  nodesNeededToUpdate,
  updateLeaf,
  type NodeKey,
  type TreeChange,
} from '@bridgenotes/protocol';

import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

type Tx = Prisma.TransactionClient;

export interface LockedTree {
  size: number;
  root: string;
}

/** The tree as `publish` left it: its leaves, live members (non-zero leaves) and root. */
export interface PublishedTree {
  size: number;
  liveMembers: number;
  root: string;
}

/** One root of a community's history, as the export and the root window read it. */
export interface StoredRoot {
  root: string;
  createdAt: Date;
  supersededAt: Date | null;
}

/**
 * The one writer of a community's group tree: its nodes (`tree_nodes`), its current root
 * (`communities.tree_size`, `tree_root`) and its root history (`group_roots`). The API changes
 * its own communities' trees with it, a mirror the trees it rebuilds from the origin's members.
 * A change reads only the nodes on the changed paths (never the whole tree) and is computed
 * first, then published, all inside the caller's transaction after `lock`.
 */
@Injectable()
export class GroupTreeStore {
  constructor(private readonly prisma: PrismaService) {}

  /** Locks the community's row: one tree change at a time per community, in any process. */
  async lock(tx: Tx, communityId: string): Promise<LockedTree> {
    const [row] = await tx.$queryRaw<{ tree_size: number; tree_root: string }[]>`
      SELECT tree_size, tree_root FROM communities WHERE id = ${communityId}::uuid FOR UPDATE`;
    if (!row) throw new Error(`community ${communityId} vanished during a tree change`);
    return { size: row.tree_size, root: row.tree_root };
  }

  /** The tree with `leaves` appended to its `size` leaves; nothing written yet. */
  async appended(tx: Tx, communityId: string, size: number, leaves: bigint[]): Promise<TreeChange> {
    const stored = await this.nodes(tx, communityId, nodesNeededToAppend(size, leaves.length));
    return appendLeaves(size, leaves, stored);
  }

  /** The tree with leaf `index` set to `value` (0 removes a member); nothing written yet. */
  async withLeaf(
    tx: Tx,
    communityId: string,
    size: number,
    index: number,
    value: bigint,
  ): Promise<TreeChange> {
    const stored = await this.nodes(tx, communityId, nodesNeededToUpdate(size, index));
    return updateLeaf(size, index, value, stored);
  }

  /**
   * Stores a change: its nodes, the community's current root, and the root history (the
   * previous root superseded at the new one's time, the new one next in `seq`, the history's
   * order). `at` is the root's time: a mirror's is the origin's, which may equal the one before
   * (the origin's order is then kept by `seq` alone, as the mirror records roots in it); without
   * it, the clock's, taken under the lock and kept strictly increasing, so the history is dated
   * as it happened (not now(), the transaction's start: a change that began earlier but waited
   * for the lock would be dated before the one it follows).
   *
   * The new root's live members (the anonymity set of a proof against it, PROOF_MIN_MEMBERS)
   * are the community's count moved by the leaves the change writes: each non-zero one counts,
   * each leaf it overwrites that was non-zero no longer does. Only the changed leaves are read.
   */
  async publish(
    tx: Tx,
    communityId: string,
    change: TreeChange,
    at?: Date,
  ): Promise<PublishedTree> {
    const liveMembers = await this.liveAfter(tx, communityId, change);
    await this.saveNodes(tx, communityId, change);
    const root = change.root.toString();
    const time = at ?? (await this.nextRootTime(tx, communityId));
    await tx.$executeRaw`
      UPDATE communities SET tree_size = ${change.size}, tree_root = ${root},
                             tree_members = ${liveMembers}, updated_at = now()
       WHERE id = ${communityId}::uuid`;
    await tx.$executeRaw`
      UPDATE group_roots SET superseded_at = ${time}
       WHERE community_id = ${communityId}::uuid AND superseded_at IS NULL`;
    await tx.$executeRaw`
      INSERT INTO group_roots (id, community_id, seq, root, size, live_members, created_at)
      SELECT gen_random_uuid(), ${communityId}::uuid, coalesce(max(seq) + 1, 0), ${root},
             ${change.size}, ${liveMembers}, ${time}
        FROM group_roots WHERE community_id = ${communityId}::uuid`;
    return { size: change.size, liveMembers, root };
  }

  /** Every root the community ever had, in history order (a mirror's root window). */
  rootHistory(communityId: string): Promise<StoredRoot[]> {
    return this.prisma.groupRoot.findMany({
      where: { communityId },
      select: { root: true, createdAt: true, supersededAt: true },
      orderBy: { seq: 'asc' },
    });
  }

  /** The group's size now (its latest root's; 0 before any). */
  async size(communityId: string): Promise<number> {
    const latest = await this.prisma.groupRoot.findFirst({
      where: { communityId },
      orderBy: { seq: 'desc' },
      select: { size: true },
    });
    return latest?.size ?? 0;
  }

  /** Every root the group has had at `size` members. */
  async rootsOfSize(communityId: string, size: number): Promise<string[]> {
    const roots = await this.prisma.groupRoot.findMany({
      where: { communityId, size },
      select: { root: true },
    });
    return roots.map((row) => row.root);
  }

  /** The community's live members once `change` is stored (under the caller's `lock`). */
  private async liveAfter(tx: Tx, communityId: string, change: TreeChange): Promise<number> {
    const leaves = [...change.nodes]
      .map(([key, hash]) => [Number(key.split(':')[1]), hash, key.startsWith('0:')] as const)
      .filter(([, , leaf]) => leaf);
    const indexes = leaves.map(([index]) => index);
    const [row] = await tx.$queryRaw<[{ live: number; overwritten: number }]>`
      SELECT (SELECT tree_members FROM communities WHERE id = ${communityId}::uuid) AS live,
             (SELECT count(*)::int FROM tree_nodes
               WHERE community_id = ${communityId}::uuid AND level = 0
                 AND index = ANY(${indexes}::int[]) AND hash <> '0') AS overwritten`;
    const written = leaves.filter(([, hash]) => hash !== 0n).length;
    return row.live - row.overwritten + written;
  }

  private async nextRootTime(tx: Tx, communityId: string): Promise<Date> {
    const [{ at }] = await tx.$queryRaw<[{ at: Date }]>`
      SELECT greatest(clock_timestamp(),
                      (SELECT max(created_at) + interval '1 millisecond' FROM group_roots
                        WHERE community_id = ${communityId}::uuid)) AS at`;
    return at;
  }

  private async nodes(
    tx: Tx,
    communityId: string,
    keys: [number, number][],
  ): Promise<Map<NodeKey, bigint>> {
    if (keys.length === 0) return new Map();
    const rows = await tx.$queryRaw<{ level: number; index: number; hash: string }[]>`
      SELECT level, index, hash FROM tree_nodes
       WHERE community_id = ${communityId}::uuid
         AND (level, index) IN (SELECT * FROM unnest(${keys.map(([level]) => level)}::int[],
                                                     ${keys.map(([, index]) => index)}::int[]))`;
    return new Map(rows.map((row) => [nodeKey(row.level, row.index), BigInt(row.hash)]));
  }

  private async saveNodes(tx: Tx, communityId: string, change: TreeChange): Promise<void> {
    const levels: number[] = [];
    const indexes: number[] = [];
    const hashes: string[] = [];
    for (const [key, hash] of change.nodes) {
      const [level, index] = key.split(':').map(Number);
      levels.push(level as number);
      indexes.push(index as number);
      hashes.push(hash.toString());
    }
    await tx.$executeRaw`
      INSERT INTO tree_nodes (community_id, level, index, hash)
      SELECT ${communityId}::uuid, * FROM unnest(${levels}::int[], ${indexes}::int[], ${hashes}::text[])
      ON CONFLICT (community_id, level, index) DO UPDATE SET hash = excluded.hash`;
  }
}
