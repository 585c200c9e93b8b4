// A membership's state in the extension: recorded (joined here, or recognised from the
// community's published group), and whether its join still waits for its batch. An OPEN or
// INVITE join is answered at once, `pending` while the instance keeps it for its batch
// (docs/threat-model.md); the member can prove only once the published group holds the
// commitment, which the settings and the panel look for again, as the widget does at each render.
// A sealed membership whose commitment is missing from the group may have ended (removed by the
// moderators, or replaced), or not: an instance restored from a backup older than the join, a
// mirror behind its origin, a join an earlier version recorded as sealed while it waited. So it
// is recorded as absent, and looked for again; only the instance's MEMBERSHIP_ENDED is an end.
import { pendingJoinOverdue, pendingJoinResendable } from '@bridgenotes/protocol';

import { getCommunity, groupLeaves, inGroup } from './instance';
import { type Follow, followedSealing, followKey, load, type Stored, update } from './storage';

type Memberships = Pick<Stored, 'memberships' | 'pending' | 'pendingSince' | 'ended' | 'refused'>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * No membership of the community, one waiting for its batch, one the member proves with, one
 * whose commitment the published group did not hold when last looked at, or one that ended (the
 * instance refused its commitment as removed or replaced: it cannot join the community again).
 */
export type MembershipState = 'none' | 'pending' | 'sealed' | 'absent' | 'ended';

export function membershipOf(stored: Memberships, follow: Follow): MembershipState {
  const key = followKey(follow);
  const commitment = stored.memberships[key];
  if (commitment === undefined) return 'none';
  if (stored.refused[key] === commitment) return 'ended';
  if (stored.ended[key] === commitment) return 'absent';
  return stored.pending[key] === commitment ? 'pending' : 'sealed';
}

const without = (record: Record<string, string>, keys: Set<string>) =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));

/**
 * `stored`'s memberships with `commitment` recorded as the member's in each of `entries`:
 * `pending` when the instance keeps the join for its batch, sealed otherwise (a join sealed at
 * once, or a commitment found in the published group).
 */
export function withMemberships(
  stored: Memberships,
  entries: Follow[],
  commitment: string,
  pending = false,
): Memberships {
  const keys = new Set(entries.map(followKey));
  const recorded = Object.fromEntries([...keys].map((key) => [key, commitment]));
  const others = without(stored.pending, keys);
  const since = Object.fromEntries([...keys].map((key) => [key, `${commitment}:${nowSeconds()}`]));
  const othersSince = without(stored.pendingSince, keys);
  return {
    memberships: { ...stored.memberships, ...recorded },
    pending: pending ? { ...others, ...recorded } : others,
    pendingSince: pending ? { ...othersSince, ...since } : othersSince,
    ended: without(stored.ended, keys),
    refused: without(stored.refused, keys),
  };
}

/**
 * `stored`'s memberships with `follow`'s, `commitment`, recorded as `ended` (the instance answered
 * MEMBERSHIP_ENDED: final) or `absent` (missing from the published group: looked for again).
 */
export function withEnd(
  stored: Memberships,
  follow: Follow,
  commitment: string,
  end: 'absent' | 'ended',
): Memberships {
  const key = followKey(follow);
  const keys = new Set([key]);
  return {
    memberships: { ...stored.memberships, [key]: commitment },
    pending: without(stored.pending, keys),
    pendingSince: without(stored.pendingSince, keys),
    ended: { ...stored.ended, [key]: commitment },
    refused: end === 'ended' ? { ...stored.refused, [key]: commitment } : stored.refused,
  };
}

/**
 * How long `follow`'s pending join has waited, in seconds; null when its start is not recorded
 * (an earlier version's record), to be recorded as now.
 */
function pendingWaited(stored: Memberships, follow: Follow): number | null {
  const key = followKey(follow);
  const [commitment, since] = (stored.pendingSince[key] ?? '').split(':');
  if (commitment !== stored.memberships[key] || !since) return null;
  return nowSeconds() - Number(since);
}

/**
 * Whether `follow`'s membership is a join pending long enough for Join again to be offered beside
 * the pending notice (libs/protocol `pendingJoinResendable`, a day): where the instance seals with
 * no time bound it is never taken as absent, and one lost before its batch was sealed (removed,
 * or with an instance restored from an older backup) could not be sent again otherwise. One whose
 * start is not recorded yet (an earlier version's) is not: it is timed from its first look.
 */
export function pendingResendable(stored: Memberships, follow: Follow): boolean {
  if (membershipOf(stored, follow) !== 'pending') return false;
  const waited = pendingWaited(stored, follow);
  return waited !== null && pendingJoinResendable(waited);
}

/**
 * `follow`'s seal wait, as kept with the follow (`Follow.sealing`, from the community's answer
 * when followed). A follow an earlier version recorded has none: the community is asked at its
 * first look, whatever the membership's state, and its answer kept, so that it is asked once.
 */
async function sealingOf(follow: Follow): Promise<Follow['sealing']> {
  if (follow.sealing !== undefined) return follow.sealing;
  const sealing = followedSealing(await getCommunity(follow.instance, follow.slug));
  const key = followKey(follow);
  await update(({ follows }) => ({
    follows: follows.map((entry) =>
      followKey(entry) === key && entry.sealing === undefined ? { ...entry, sealing } : entry,
    ),
  }));
  return sealing;
}

/**
 * The state of the member's membership of `follow` now: a pending, sealed or absent one is looked
 * for in the published group (fetched whole, as before every proof). Found there, it is recorded
 * sealed; missing, a sealed one is recorded absent, and so is a pending one that waited longer
 * than the instance may keep it for its batch (libs/protocol `pendingJoinOverdue`, by the seal
 * wait kept with the follow): past that it was not just slow, it was removed before this device
 * saw it sealed (a removed leaf is published as 0) or lost with an instance restored from an
 * older backup. A pending one stays pending before. Only an end the instance answered is not
 * looked for again. The instance sees the same requests whatever is found and however long the
 * join waited: the group (and, once for a follow an earlier version recorded, the community). It
 * learns that the group was fetched, never which commitment is looked for, nor that one is
 * missing or old. Throws, recording nothing, when either cannot be fetched.
 */
export async function settleMembership(follow: Follow): Promise<MembershipState> {
  const stored = await load();
  const state = membershipOf(stored, follow);
  if (state === 'none' || state === 'ended') return state;
  const key = followKey(follow);
  const commitment = stored.memberships[key];
  // The follow as kept now: the one given may be a page's copy from before its seal wait was kept.
  const kept = stored.follows.find((entry) => followKey(entry) === key) ?? follow;
  const [group, sealing] = await Promise.all([groupLeaves(follow), sealingOf(kept)]);
  const found = inGroup(group, commitment);
  const waited = state === 'pending' ? pendingWaited(stored, follow) : 0;
  const overdue =
    state === 'pending' &&
    !found &&
    waited !== null &&
    pendingJoinOverdue(waited, { sealing: sealing ?? undefined });
  const gone = state === 'sealed' || overdue;
  const now = found ? 'sealed' : gone ? 'absent' : state;
  if (now === state && waited !== null) return state;
  // Only the membership that was looked for: one recorded anew meanwhile keeps its own state.
  await update((current) => {
    if (current.memberships[key] !== commitment || membershipOf(current, follow) !== state) {
      return {};
    }
    if (now === 'pending') {
      // Pending with no recorded start (an earlier version's): waited for from now.
      return { pendingSince: { ...current.pendingSince, [key]: `${commitment}:${nowSeconds()}` } };
    }
    return now === 'sealed'
      ? withMemberships(current, [follow], commitment)
      : withEnd(current, follow, commitment, 'absent');
  });
  return now;
}

/**
 * The panel's request to the service worker: `settleMembership` for a followed community (the
 * panel, refused the storage lock, cannot record the seal or the end itself).
 */
export interface SettleMembershipMessage {
  type: 'settle-membership';
  instance: string;
  slug: string;
}

export const isSettleMembership = (message: unknown): message is SettleMembershipMessage => {
  const candidate = message as Partial<SettleMembershipMessage> | null;
  return (
    candidate?.type === 'settle-membership' &&
    typeof candidate.instance === 'string' &&
    typeof candidate.slug === 'string'
  );
};

/**
 * `settleMembership` for the followed community the message names, as the storage keeps it (the
 * group is fetched from the follow kept, not from anything the message says); none for one not
 * followed.
 */
export async function settleFollowed(message: SettleMembershipMessage): Promise<MembershipState> {
  const key = followKey(message);
  const follow = (await load()).follows.find((entry) => followKey(entry) === key);
  return follow ? settleMembership(follow) : 'none';
}
