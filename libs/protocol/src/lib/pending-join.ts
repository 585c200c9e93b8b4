// How long a member's client (the widget, the extension) waits for a pending join, accepted by
// the instance and kept for its batch (docs/threat-model.md), to appear in the published group
// before taking it as absent (possibly removed: Join is offered again). Too short, and an honestly
// waiting join is shown as gone and sent again, which may spend an invite code; so the wait
// follows the instance's own seal wait (`CommunityResponse.sealing`).
import type { CommunityResponse } from './http-shapes';

/**
 * The least a pending join is waited for, and the whole wait where the instance does not say its
 * own (an older API): a day, four times SEAL_MAX_WAIT_SECONDS' default of 6 h.
 */
export const PENDING_JOIN_MIN_WAIT_SECONDS = 24 * 60 * 60;

/**
 * How long a pending join may wait, still missing from the published group, before it is taken
 * as absent: four times the instance's longest seal wait (past that it was not just slow: removed
 * before the client saw it sealed, or lost with an instance restored from an older backup), and
 * at least PENDING_JOIN_MIN_WAIT_SECONDS. null: for ever, the instance sealing by time never (a
 * batch waits for K members). `community` is an instance's answer, unchecked: a seal wait that is
 * missing or no number of seconds counts as unknown.
 */
export function pendingJoinLimitSeconds(
  community: Partial<Pick<CommunityResponse, 'sealing'>>,
): number | null {
  const wait = sealWaitSeconds(community);
  if (wait === undefined) return PENDING_JOIN_MIN_WAIT_SECONDS;
  return wait === null ? null : Math.max(PENDING_JOIN_MIN_WAIT_SECONDS, 4 * wait);
}

/**
 * The seal wait `community`'s answer states: seconds, or null for no time bound; undefined where
 * it says no number of seconds (missing: an older API; or not one).
 */
export function sealWaitSeconds(
  community: Partial<Pick<CommunityResponse, 'sealing'>>,
): number | null | undefined {
  const sealing: unknown = community.sealing;
  if (typeof sealing !== 'object' || sealing === null) return undefined;
  const wait = (sealing as { maxWaitSeconds?: unknown }).maxWaitSeconds;
  if (wait === null) return null;
  return typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : undefined;
}

/** Whether a pending join that has waited `waitedSeconds` is overdue at `community`'s instance. */
export function pendingJoinOverdue(
  waitedSeconds: number,
  community: Partial<Pick<CommunityResponse, 'sealing'>>,
): boolean {
  const limit = pendingJoinLimitSeconds(community);
  return limit !== null && waitedSeconds > limit;
}

/**
 * Whether a pending join that has waited `waitedSeconds` is offered to be sent again (Join
 * again, beside the pending notice, which stays): past PENDING_JOIN_MIN_WAIT_SECONDS, whatever
 * the instance's seal wait. Where that has no time bound (`pendingJoinOverdue` never) a join lost
 * before it was sealed (removed, or with an instance restored from an older backup) would
 * otherwise be shown pending for ever with no way to send it again. Sending the same commitment
 * again is safe: a join still waiting is answered as the pending join it is (an INVITE one may ask
 * for its code again), a lost one is taken anew, a removed one is refused as ended.
 */
export const pendingJoinResendable = (waitedSeconds: number): boolean =>
  waitedSeconds > PENDING_JOIN_MIN_WAIT_SECONDS;

/**
 * What a member waiting on a pending join is told of the wait (the widget's and the extension's
 * pending notice), from `community`'s answer, unchecked: null where the instance seals by K
 * members only (no time bound: a quiet community may never seal, so no time may be promised);
 * else the longest wait in hours, rounded up (less the 5 minutes of a check's window, so that
 * 6 h and a window say 6), at least 1: an "at the latest" never shorter than the wait; undefined where the answer says no number
 * of seconds (an older API), which leaves the notice's general wording.
 */
export function pendingJoinSealHours(
  community: Partial<Pick<CommunityResponse, 'sealing'>>,
): number | null | undefined {
  const wait = sealWaitSeconds(community);
  return wait == null ? wait : Math.max(1, Math.ceil((wait - 300) / 3600));
}
