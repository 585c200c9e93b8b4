import { Group } from '@semaphore-protocol/core';

import {
  appendLeaves,
  NodeKey,
  nodeKey,
  nodesNeededToAppend,
  nodesNeededToUpdate,
  updateLeaf,
} from './lean-tree';

/** A store that hands out only the nodes the caller said it needs, like the database does. */
class Store {
  readonly nodes = new Map<NodeKey, bigint>();
  size = 0;

  pick(keys: [number, number][]): Map<NodeKey, bigint> {
    return new Map(
      keys.map(([level, index]) => [
        nodeKey(level, index),
        this.nodes.get(nodeKey(level, index)) as bigint,
      ]),
    );
  }

  append(leaves: bigint[]): bigint {
    const change = appendLeaves(
      this.size,
      leaves,
      this.pick(nodesNeededToAppend(this.size, leaves.length)),
    );
    change.nodes.forEach((value, key) => this.nodes.set(key, value));
    this.size = change.size;
    return change.root;
  }

  update(index: number, value: bigint): bigint {
    const change = updateLeaf(
      this.size,
      index,
      value,
      this.pick(nodesNeededToUpdate(this.size, index)),
    );
    change.nodes.forEach((node, key) => this.nodes.set(key, node));
    return change.root;
  }
}

const leaf = (n: number) => BigInt(n) * 1_000_003n + 7n;

describe('incremental lean tree', () => {
  it("matches Semaphore's Group root after every single append, up to 40 members", () => {
    const store = new Store();
    const group = new Group();
    for (let n = 1; n <= 40; n += 1) {
      group.addMember(leaf(n));
      expect(store.append([leaf(n)])).toBe(group.root);
    }
  });

  it('matches it for batches of every size, appended to trees of every size', () => {
    for (const [start, batch] of [
      [0, 5],
      [1, 1],
      [3, 6],
      [8, 9],
      [13, 30],
      [31, 2],
    ]) {
      const store = new Store();
      const group = new Group();
      const first = Array.from({ length: start }, (_, i) => leaf(i + 1));
      const second = Array.from({ length: batch }, (_, i) => leaf(100 + i));
      if (first.length) {
        store.append(first);
        group.addMembers(first);
      }
      group.addMembers(second);
      expect(store.append(second)).toBe(group.root);
    }
  });

  it('matches it when members are removed (leaf zeroed) anywhere, then more join', () => {
    const store = new Store();
    const group = new Group();
    const members = Array.from({ length: 23 }, (_, i) => leaf(i + 1));
    store.append(members);
    group.addMembers(members);
    for (const index of [0, 22, 7, 16, 15]) {
      group.removeMember(index);
      expect(store.update(index, 0n)).toBe(group.root);
    }
    group.addMember(leaf(99));
    expect(store.append([leaf(99)])).toBe(group.root);
  });

  it('reads only the nodes it asked for, a path per change', () => {
    expect(nodesNeededToAppend(0, 1)).toEqual([]);
    expect(nodesNeededToAppend(5, 1)).toEqual([
      [0, 4],
      [1, 1],
      [2, 0],
    ]);
    expect(nodesNeededToUpdate(5, 4)).toEqual([[2, 0]]);
    expect(() => appendLeaves(5, [1n], new Map())).toThrow(/needed but was not supplied/);
  });
});
