import { Group } from '@semaphore-protocol/core';
import type { GroupLeavesResponse } from '@bridgenotes/protocol';

/**
 * A community's group as the API publishes it, identical for every client: every leaf in tree
 * order, "0" where a member was removed.
 */
export type PublishedGroup = GroupLeavesResponse;

export class GroupRootMismatchError extends Error {
  override name = 'GroupRootMismatchError';
}

/**
 * Rebuilds the group locally from its leaves and checks that its root is the published one: a
 * server that handed this client a tree of its own (to recognise its proofs) is caught here.
 */
export function groupFromLeaves(published: PublishedGroup): Group {
  const leaves = published.leaves.map((leaf) => BigInt(leaf));
  // Semaphore refuses zero leaves on insertion; removed members are zeroed after, as it does.
  const group = new Group(leaves.map((leaf) => (leaf === 0n ? 1n : leaf)));
  leaves.forEach((leaf, index) => {
    if (leaf === 0n) group.removeMember(index);
  });
  const root = group.size === 0 ? 0n : group.root;
  if (root.toString() !== published.root) {
    throw new GroupRootMismatchError(
      `The published leaves give root ${root}, but the published root is ${published.root}`,
    );
  }
  return group;
}
