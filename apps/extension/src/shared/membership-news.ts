// What the settings and the panel say when a look in the published group (shared/membership.ts)
// finds a membership in a state, worded by the community's admission.
import { type AdmissionPolicy, pendingJoinSealHours } from '@bridgenotes/protocol';

import type { MembershipState } from './membership';
import type { Follow } from './storage';
import { type StringKey, t } from './strings';
import { sealWaitKey, writeWaitKey } from '@bridgenotes/widget';

/** "Not in the group now": check again first, then what the admission lets the member do. */
export const NOT_IN_GROUP: Record<AdmissionPolicy, StringKey> = {
  OPEN: 'notInGroup',
  INVITE: 'notInGroup',
  CREDENTIAL: 'notInGroupCredential',
  CLOSED: 'notInGroupClosed',
};

/**
 * What is said when a look finds `now` (undefined: the group could not be fetched) for a
 * membership that was `before`: another state's news; when the member asked (Check again), the
 * same state's "checked just now" or the network failure; else nothing (null). A look never finds
 * a membership pending that was not.
 */
export function membershipNews(
  before: MembershipState,
  now: MembershipState | undefined,
  asked: boolean,
  admission: AdmissionPolicy,
): StringKey | null {
  if (now === undefined) return asked ? 'failNetwork' : null;
  if (now === before) {
    if (!asked) return null;
    return now === 'pending' ? 'stillPending' : now === 'absent' ? 'stillNotInGroup' : null;
  }
  if (now === 'sealed') return 'joinedNow';
  if (now === 'absent') return NOT_IN_GROUP[admission];
  return now === 'ended' ? 'membershipEnded' : null;
}

/**
 * The pending notice, by the seal wait kept with `follow` (`Follow.sealing`): with no time bound
 * (batches wait for K members) no time is promised, as a quiet community may never seal; with
 * one, it is said; where none is kept (an older API, or a follow an earlier version recorded),
 * the general wording.
 */
export const pendingNotice = (follow: Pick<Follow, 'name' | 'sealing'>): string =>
  sealWaitText('pending', follow);

/** A proof asked for before the seal (the panel's forms), by the same wait and rule. */
export const notSealedNotice = (follow: Pick<Follow, 'name' | 'sealing'>): string =>
  sealWaitText('notSealed', follow);

function sealWaitText(prefix: 'pending' | 'notSealed', follow: Pick<Follow, 'name' | 'sealing'>) {
  const hours = pendingJoinSealHours({ sealing: follow.sealing ?? undefined });
  return t(sealWaitKey(prefix, hours), { community: follow.name, hours: hours ?? '' });
}

/**
 * What a note (`noted`) or a rating (`rated`) answered by the instance is said to be, by the seal
 * wait kept with `follow`: "published" or "saved" only where every write is sealed in its request
 * (or none is kept: an older API, which did), else its wait for the batch, as the widget says it.
 */
export function writeOutcome(follow: Pick<Follow, 'sealing'>, write: 'noted' | 'rated'): string {
  const { key, hours } = writeWaitKey(write, { sealing: follow.sealing ?? undefined });
  return t(key, { hours });
}
