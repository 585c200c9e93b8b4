import { Group } from '@semaphore-protocol/core';

import type { MemberRecord, RootRecord } from './export-format';
import { checkRootHistory } from './root-history';

const member = (leafIndex: number, commitment: bigint, removedAt: string | null = null) => ({
  cursor: String(leafIndex),
  leafIndex,
  commitment: commitment.toString(),
  removedAt,
});
const root = (value: bigint, size: number, minute: number): RootRecord => ({
  cursor: String(minute),
  root: value.toString(),
  size,
  createdAt: new Date(minute * 60_000).toISOString(),
  supersededAt: null,
});

describe('checkRootHistory', () => {
  // Two admissions (a batch of two, then one) and a removal, as the instance records them.
  const group = new Group([11n, 22n]);
  const first = group.root;
  group.addMember(33n);
  const second = group.root;
  group.removeMember(0);
  const third = group.root;
  const members: MemberRecord[] = [
    member(0, 11n, new Date(3 * 60_000 + 5).toISOString()),
    member(1, 22n),
    member(2, 33n),
  ];
  const roots = [root(first, 2, 1), root(second, 3, 2), root(third, 3, 3)];

  it('accepts a history built from the published admissions and removals', () => {
    expect(checkRootHistory(members, roots)).toEqual([]);
  });

  it('names the first root a hidden member went into', () => {
    const hidden = new Group([11n, 22n, 99n]).root;
    const issues = checkRootHistory(members, [roots[0] as RootRecord, root(hidden, 3, 2)]);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'ROOT_NOT_FROM_MEMBERS', subject: `root ${hidden}` }),
    ]);
  });

  it('names members that no root contains and removals no root records', () => {
    expect(checkRootHistory(members, roots.slice(0, 1)).map((issue) => issue.code)).toEqual([
      'MEMBERS_WITHOUT_ROOT',
      'REMOVAL_WITHOUT_ROOT',
    ]);
  });
});
