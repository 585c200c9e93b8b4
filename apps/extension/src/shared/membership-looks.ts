// When the settings look for a membership in the community's published group without being asked
// (docs/extension.md, "Before each proof"). The instance sees each of these group downloads: were
// some states looked for at every drawing of the page and others once, how many it received
// after an action that draws the page again (following a community, a join) would tell it which
// state each membership is in. So every membership is looked for the same way: once a visit.
// A look's answer goes to the community's part shown when it comes, not to the drawing that
// started it: the page may have been drawn again meanwhile (a Check again, a join, a follow),
// and that drawing does not look again.
import type { MembershipState } from './membership';

/** The states a look can change (none has nothing to look for; ended is final). */
const LOOKED_FOR: ReadonlySet<MembershipState> = new Set(['pending', 'sealed', 'absent']);

export interface VisitLooks {
  /**
   * Whether the membership of the community `key`, in `state`, is to be looked for at this
   * drawing: at the first drawing of the visit that shows it pending, sealed or absent, whichever
   * of them, and never again in the visit (Check again looks when asked). Counts it as looked for.
   */
  due(key: string, state: MembershipState): boolean;
  /** Counts `key`'s membership as looked for: its group was just fetched (and the commitment found). */
  seen(key: string): void;
  /**
   * Counts `key`'s membership as not looked for yet: a join the instance just answered pending is
   * looked for once at the next drawing, whatever state it was in before (none, absent, pending).
   */
  forget(key: string): void;
  /**
   * `key`'s part shown now, drawn in `state`, is `redraw`n in the state a look finds (`found`);
   * each drawing replaces the one before.
   */
  shown(key: string, state: MembershipState, redraw: (now: MembershipState) => void): void;
  /**
   * A look for `key`'s membership, started when it was shown in `from`, found it in `now`: the part
   * shown now is drawn again in `now` when it still shows `from` (drawn again meanwhile in the
   * same state: it did not look). One drawn in another state since (a join, a Check again that
   * found a change) says something newer than this look: it stays.
   */
  found(key: string, from: MembershipState, now: MembershipState): void;
}

/** The looks of one visit of the settings page. */
export function visitLooks(): VisitLooks {
  const looked = new Set<string>();
  const parts = new Map<
    string,
    { state: MembershipState; redraw: (now: MembershipState) => void }
  >();
  return {
    due(key, state) {
      if (!LOOKED_FOR.has(state) || looked.has(key)) return false;
      looked.add(key);
      return true;
    },
    seen(key) {
      looked.add(key);
    },
    forget(key) {
      looked.delete(key);
    },
    shown(key, state, redraw) {
      parts.set(key, { state, redraw });
    },
    found(key, from, now) {
      const part = parts.get(key);
      if (now !== from && part?.state === from) part.redraw(now);
    },
  };
}
