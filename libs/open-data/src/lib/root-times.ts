import type { RootRecord } from './export-format';

export interface RootTimeIssue {
  code: 'ROOT_TIME_ORDER';
  subject: string;
  message: string;
}

/**
 * Each root's time span as the history's order gives it, not as the export states it: a root is
 * superseded when the next one is created (the instance writes both in one statement, libs/database
 * `GroupTreeStore`), and only the last root can be current. The served `supersededAt` of every
 * other root must be the next root's `createdAt`, and `createdAt` never decreases along the
 * history: otherwise a root the operator replaced (a member's removal) could be exported as still
 * current, and proofs made against it after the removal would verify. The returned roots carry
 * the derived `supersededAt`; the last keeps what it states (null when current: a live read pins
 * it so, `HttpExportSource`), which can only narrow its span.
 */
export function checkRootTimes(roots: readonly RootRecord[]): {
  roots: RootRecord[];
  issues: RootTimeIssue[];
} {
  const issues: RootTimeIssue[] = [];
  const timed = roots.map((record, index) => {
    const next = roots[index + 1];
    if (next === undefined) return record;
    if (Date.parse(next.createdAt) < Date.parse(record.createdAt)) {
      issues.push({
        code: 'ROOT_TIME_ORDER',
        subject: `root ${next.root}`,
        message: `created at ${next.createdAt}, before the root it follows in the history (${record.root}, created at ${record.createdAt})`,
      });
    }
    if (
      record.supersededAt === null ||
      Date.parse(record.supersededAt) !== Date.parse(next.createdAt)
    ) {
      issues.push({
        code: 'ROOT_TIME_ORDER',
        subject: `root ${record.root}`,
        message: `stated superseded at ${record.supersededAt ?? 'null (current)'}, but the next root of the history was created at ${next.createdAt}: its window is counted from then`,
      });
    }
    return { ...record, supersededAt: next.createdAt };
  });
  return { roots: timed, issues };
}
