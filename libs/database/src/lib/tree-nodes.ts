import { NodeKey, nodeKey, TreeChange } from '@bridgenotes/protocol';

import { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/**
 * A community's stored group tree (`tree_nodes`): the nodes an incremental update reads and the
 * ones it changed. The API keeps its own communities' trees with these and a mirror the trees
 * it rebuilds from the origin's members; each writes the root history itself (the API with its
 * own times, a mirror with the origin's).
 */
export async function loadTreeNodes(
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

export async function saveTreeNodes(
  tx: Tx,
  communityId: string,
  change: TreeChange,
): Promise<void> {
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
