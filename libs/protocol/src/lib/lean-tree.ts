import { poseidon2 } from 'poseidon-lite/poseidon2';

/**
 * Incremental updates of a Lean Incremental Merkle Tree, the structure Semaphore v4 groups use
 * (@zk-kit/lean-imt): Poseidon over pairs, no zero hashes (a node without a right child equals
 * its left child), depth ⌈log2(size)⌉. Nodes live elsewhere (PostgreSQL on the server); these
 * functions say which stored nodes they need, compute the new ones, and never rebuild the tree.
 */

/** Level 0 holds the leaves; level `depthOf(size)` holds the root alone. */
export type NodeKey = `${number}:${number}`;
export const nodeKey = (level: number, index: number): NodeKey => `${level}:${index}`;

export function depthOf(size: number): number {
  return size <= 1 ? 0 : Math.ceil(Math.log2(size));
}

const hash = (left: bigint, right: bigint): bigint => poseidon2([left, right]);

export interface TreeChange {
  /** Every node written, by key; the caller stores them. */
  nodes: Map<NodeKey, bigint>;
  size: number;
  root: bigint;
}

/**
 * The stored nodes that appending to a tree of `size` leaves may read: at each level, the last
 * node whose subtree is complete (the left sibling of the first new node there).
 */
export function nodesNeededToAppend(size: number, count: number): [number, number][] {
  const needed: [number, number][] = [];
  for (let level = 0; level < depthOf(size + count); level += 1) {
    const complete = Math.floor(size / 2 ** level);
    if (complete > 0) needed.push([level, complete - 1]);
  }
  return needed;
}

function lookup(
  stored: Map<NodeKey, bigint>,
  written: Map<NodeKey, bigint>,
  level: number,
  index: number,
): bigint {
  const key = nodeKey(level, index);
  const value = written.get(key) ?? stored.get(key);
  if (value === undefined) throw new Error(`tree node ${key} is needed but was not supplied`);
  return value;
}

/** Appends `leaves` after `size` existing ones: one path per leaf, shared nodes hashed once each. */
export function appendLeaves(
  size: number,
  leaves: bigint[],
  stored: Map<NodeKey, bigint>,
): TreeChange {
  const written = new Map<NodeKey, bigint>();
  let current = size;
  for (const leaf of leaves) {
    let index = current;
    let node = leaf;
    written.set(nodeKey(0, index), node);
    const depth = depthOf(current + 1);
    for (let level = 0; level < depth; level += 1) {
      if (index % 2 === 1) node = hash(lookup(stored, written, level, index - 1), node);
      index = Math.floor(index / 2);
      written.set(nodeKey(level + 1, index), node);
    }
    current += 1;
  }
  const root = current === 0 ? 0n : lookup(stored, written, depthOf(current), 0);
  return { nodes: written, size: current, root };
}

/** The stored nodes that changing leaf `index` of a tree of `size` leaves reads: its siblings. */
export function nodesNeededToUpdate(size: number, index: number): [number, number][] {
  const needed: [number, number][] = [];
  let position = index;
  for (let level = 0; level < depthOf(size); level += 1) {
    const sibling = position % 2 === 1 ? position - 1 : position + 1;
    if (sibling < Math.ceil(size / 2 ** level)) needed.push([level, sibling]);
    position = Math.floor(position / 2);
  }
  return needed;
}

/** Sets leaf `index` to `value` (0 removes a member, as Semaphore does) and rehashes its path. */
export function updateLeaf(
  size: number,
  index: number,
  value: bigint,
  stored: Map<NodeKey, bigint>,
): TreeChange {
  if (index < 0 || index >= size)
    throw new RangeError(`leaf ${index} is outside a tree of ${size}`);
  const written = new Map<NodeKey, bigint>();
  let position = index;
  let node = value;
  written.set(nodeKey(0, position), node);
  for (let level = 0; level < depthOf(size); level += 1) {
    if (position % 2 === 1) {
      node = hash(lookup(stored, written, level, position - 1), node);
    } else if (position + 1 < Math.ceil(size / 2 ** level)) {
      node = hash(node, lookup(stored, written, level, position + 1));
    }
    position = Math.floor(position / 2);
    written.set(nodeKey(level + 1, position), node);
  }
  return { nodes: written, size, root: node };
}
