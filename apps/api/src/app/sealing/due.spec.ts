import { type DueRule, dueOver } from './due';
import type { BufferedRow } from './sealing-trial';

/** A waiting write of `actor` in community `c`, arrived in window `window`. */
const row = (id: string, actor: string, window: bigint, kind: BufferedRow['kind'] = 'rating') => ({
  id,
  community_id: 'c',
  kind,
  actor,
  arrived_window: window,
  payload: {},
});

/** K = 2, a group due by time once its oldest waited 10 windows; the check in window 100. */
const rule: DueRule = { immediate: false, minMembers: 2, waitWindows: 10, now: 100n };
const ids = (rows: BufferedRow[]) => rows.map((r) => r.id);

describe('what is due over the writes a batch keeps', () => {
  it('counts the members and the oldest window of the rows kept only', () => {
    // Held or dropped writes (not passed) were the old ones and the second member: the rest
    // is one member, arrived in window 95, and waits.
    expect(dueOver([row('a', 'carol', 95n), row('b', 'carol', 96n)], rule)).toEqual([]);
    // Two members kept: due.
    expect(ids(dueOver([row('a', 'carol', 95n), row('b', 'erin', 99n)], rule))).toEqual(['a', 'b']);
    // One member whose own oldest write waited its 10 windows: due by time.
    expect(ids(dueOver([row('a', 'carol', 90n)], rule))).toEqual(['a']);
  });

  it('decides each (community, joins or not) group apart, and everything in immediate mode', () => {
    const rows = [
      row('j1', 'x', 99n, 'join'),
      row('j2', 'y', 99n, 'join'),
      row('n', 'z', 99n, 'note'),
    ];
    expect(ids(dueOver(rows, rule))).toEqual(['j1', 'j2']);
    expect(ids(dueOver(rows, { ...rule, immediate: true }))).toEqual(['j1', 'j2', 'n']);
  });
});
