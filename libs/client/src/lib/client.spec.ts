import { Group } from '@semaphore-protocol/core';

import { groupFromLeaves, GroupRootMismatchError } from './group';
import { commitmentOf, createIdentity, exportIdentity, importIdentity } from './identity';

describe('client', () => {
  it('restores an identity from its backup with the same commitment', () => {
    const identity = createIdentity();
    expect(commitmentOf(importIdentity(exportIdentity(identity)))).toBe(commitmentOf(identity));
    expect(commitmentOf(createIdentity())).not.toBe(commitmentOf(identity));
  });

  it('rebuilds a published group, removed members included, and checks its root', () => {
    const reference = new Group([11n, 22n, 33n, 44n, 55n]);
    reference.removeMember(1);
    reference.removeMember(4);
    const published = {
      root: reference.root.toString(),
      size: 5,
      depth: 20,
      leaves: ['11', '0', '33', '44', '0'],
    };
    expect(groupFromLeaves(published).root).toBe(reference.root);
    expect(() => groupFromLeaves({ ...published, leaves: ['11', '22', '33', '44', '0'] })).toThrow(
      GroupRootMismatchError,
    );
  });

  it('accepts the empty group only with root 0', () => {
    expect(groupFromLeaves({ root: '0', size: 0, depth: 20, leaves: [] }).size).toBe(0);
    expect(() => groupFromLeaves({ root: '1', size: 0, depth: 20, leaves: [] })).toThrow(
      GroupRootMismatchError,
    );
  });
});
