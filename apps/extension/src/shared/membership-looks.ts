// When the settings look for a membership in the community's published group without being asked
// (docs/extension.md, "Before each proof"). The instance sees each of these group downloads: were
// some states looked for at every drawing of the page and others once, how many it received
// after an action that draws the page again (following a community, a join) would tell it which
// state each membership is in. So every membership is looked for the same way: once a visit.
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
}

/** The looks of one visit of the settings page. */
export function visitLooks(): VisitLooks {
  const looked = new Set<string>();
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
  };
}
