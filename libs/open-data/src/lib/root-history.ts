import { Group } from '@semaphore-protocol/core';

import type { MemberRecord, RootRecord } from './export-format';

export interface RootHistoryIssue {
  code: 'ROOT_NOT_FROM_MEMBERS' | 'MEMBERS_WITHOUT_ROOT' | 'REMOVAL_WITHOUT_ROOT';
  subject: string;
  message: string;
}

/**
 * Replays the published admissions and removals and checks that every root in the history is
 * the root of the members published up to it: a root the operator built from commitments it did
 * not publish (hidden members) cannot pass. Roots come in history order; a root with more leaves
 * than the one before appends the next members by leaf index, one with as many is the next
 * removal by removal time (each removal is its own change, recorded with its own root).
 */
export function checkRootHistory(
  members: readonly MemberRecord[],
  roots: readonly RootRecord[],
): RootHistoryIssue[] {
  const issues: RootHistoryIssue[] = [];
  const byLeaf = [...members].sort((a, b) => a.leafIndex - b.leafIndex);
  const removals = members
    .filter((member) => member.removedAt !== null)
    .sort((a, b) => Date.parse(a.removedAt as string) - Date.parse(b.removedAt as string));
  const group = new Group();
  let removed = 0;
  for (const record of roots) {
    if (record.size > group.size) {
      const added = byLeaf.slice(group.size, record.size);
      if (
        added.length !== record.size - group.size ||
        added.some((member, offset) => member.leafIndex !== group.size + offset)
      ) {
        issues.push({
          code: 'ROOT_NOT_FROM_MEMBERS',
          subject: `root ${record.root}`,
          message: `root of ${record.size} leaves at ${record.createdAt}, but the published members do not fill leaves ${group.size} to ${record.size - 1}`,
        });
        return issues;
      }
      group.addMembers(added.map((member) => BigInt(member.commitment)));
    } else if (record.size === group.size && removed < removals.length) {
      group.removeMember((removals[removed++] as MemberRecord).leafIndex);
    } else {
      issues.push({
        code: 'ROOT_NOT_FROM_MEMBERS',
        subject: `root ${record.root}`,
        message: `root of ${record.size} leaves at ${record.createdAt} follows no published admission or removal`,
      });
      return issues;
    }
    const computed = group.size === 0 ? '0' : group.root.toString();
    if (computed !== record.root) {
      // Every later root builds on this one: the first difference is the one to report.
      issues.push({
        code: 'ROOT_NOT_FROM_MEMBERS',
        subject: `root ${record.root}`,
        message: `the published members give ${computed} at ${record.createdAt}, not this root`,
      });
      return issues;
    }
  }
  if (byLeaf.length > group.size) {
    issues.push({
      code: 'MEMBERS_WITHOUT_ROOT',
      subject: `members ${group.size} to ${byLeaf.length - 1}`,
      message: `${byLeaf.length - group.size} published members are in no published root`,
    });
  }
  if (removed < removals.length) {
    issues.push({
      code: 'REMOVAL_WITHOUT_ROOT',
      subject: `${removals.length - removed} removals`,
      message: 'members are published as removed but no root records their removal',
    });
  }
  return issues;
}
