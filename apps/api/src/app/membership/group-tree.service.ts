import { Injectable } from '@nestjs/common';
import { Prisma } from '@bridgenotes/database';
import {
  appendLeaves,
  NodeKey,
  nodeKey,
  nodesNeededToAppend,
  nodesNeededToUpdate,
  TreeChange,
  updateLeaf,
} from '@bridgenotes/protocol';

type Tx = Prisma.TransactionClient;

export interface LockedTree {
  size: number;
  root: string;
}

/**
 * A community's group tree in PostgreSQL. Every change reads only the nodes on the changed paths
 * (never the whole tree), writes the new ones, moves the community's current root and records
 * it in the root history, all inside the caller's transaction.
 */
@Injectable()
export class GroupTreeService {
  /** Locks the community's row: one tree change at a time per community, in any process. */
  async lock(tx: Tx, communityId: string): Promise<LockedTree> {
    const [row] = await tx.$queryRaw<{ tree_size: number; tree_root: string }[]>`
      SELECT tree_size, tree_root FROM communities WHERE id = ${communityId}::uuid FOR UPDATE`;
    if (!row) throw new Error(`community ${communityId} vanished during a tree change`);
    return { size: row.tree_size, root: row.tree_root };
  }

  async append(
    tx: Tx,
    communityId: string,
    tree: LockedTree,
    leaves: bigint[],
  ): Promise<TreeChange> {
    const stored = await this.load(tx, communityId, nodesNeededToAppend(tree.size, leaves.length));
    const change = appendLeaves(tree.size, leaves, stored);
    await this.save(tx, communityId, change);
    return change;
  }

  async setLeaf(
    tx: Tx,
    communityId: string,
    tree: LockedTree,
    index: number,
    value: bigint,
  ): Promise<TreeChange> {
    const stored = await this.load(tx, communityId, nodesNeededToUpdate(tree.size, index));
    const change = updateLeaf(tree.size, index, value, stored);
    await this.save(tx, communityId, change);
    return change;
  }

  private async load(
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

  private async save(tx: Tx, communityId: string, change: TreeChange): Promise<void> {
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
    const root = change.root.toString();
    // Not now(), the transaction's start: a change that began earlier but waited for the lock
    // would sort before the one it follows. Taken under the lock and kept strictly increasing,
    // the times order the root history as it happened, which readers of the export rely on.
    const [{ at }] = await tx.$queryRaw<[{ at: Date }]>`
      SELECT greatest(clock_timestamp(),
                      (SELECT max(created_at) + interval '1 millisecond' FROM group_roots
                        WHERE community_id = ${communityId}::uuid)) AS at`;
    await tx.$executeRaw`
      UPDATE communities SET tree_size = ${change.size}, tree_root = ${root}, updated_at = now()
       WHERE id = ${communityId}::uuid`;
    await tx.$executeRaw`
      UPDATE group_roots SET superseded_at = ${at}
       WHERE community_id = ${communityId}::uuid AND superseded_at IS NULL`;
    await tx.$executeRaw`
      INSERT INTO group_roots (id, community_id, root, size, created_at)
      VALUES (gen_random_uuid(), ${communityId}::uuid, ${root}, ${change.size}, ${at})`;
  }
}
