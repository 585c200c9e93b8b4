import { Environment } from '@bridgenotes/config';

import { type DueRule, dueOver, longestWaitSeconds } from './due';
import { SEALED_WRITE_DOC } from './sealed-write-docs';
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

describe('the longest wait for a batch', () => {
  it('is the wait in whole windows plus one window for the check; 0 sealed at once; null never', () => {
    expect(longestWaitSeconds(new Environment())).toBe(21_660);
    expect(longestWaitSeconds({ SEAL_WINDOW_SECONDS: 60, SEAL_MAX_WAIT_SECONDS: 61 })).toBe(180);
    expect(longestWaitSeconds({ SEAL_WINDOW_SECONDS: 0, SEAL_MAX_WAIT_SECONDS: 21_600 })).toBe(0);
    expect(longestWaitSeconds({ SEAL_WINDOW_SECONDS: 60, SEAL_MAX_WAIT_SECONDS: 0 })).toBeNull();
  });

  it('is what the OpenAPI text of every sealed write says, not SEAL_MAX_WAIT_SECONDS', () => {
    expect(SEALED_WRITE_DOC).toContain(`(${longestWaitSeconds(new Environment())} s by default)`);
    expect(SEALED_WRITE_DOC).toContain('where SEAL_MAX_WAIT_SECONDS is 0 (maxWaitSeconds null)');
    expect(SEALED_WRITE_DOC).not.toMatch(/at most SEAL_MAX_WAIT_SECONDS/);
  });
});
