import { Injectable } from '@nestjs/common';
import { loadTreeNodes, Prisma, saveTreeNodes } from '@bridgenotes/database';
import {
  appendLeaves,
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
    const stored = await loadTreeNodes(
      tx,
      communityId,
      nodesNeededToAppend(tree.size, leaves.length),
    );
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
    const stored = await loadTreeNodes(tx, communityId, nodesNeededToUpdate(tree.size, index));
    const change = updateLeaf(tree.size, index, value, stored);
    await this.save(tx, communityId, change);
    return change;
  }

  private async save(tx: Tx, communityId: string, change: TreeChange): Promise<void> {
    await saveTreeNodes(tx, communityId, change);
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
