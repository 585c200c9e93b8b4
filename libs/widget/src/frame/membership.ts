// Whether the member's commitment is in the community's published group, and recording a join,
// its refusal, or what a look in the group found.
// Fetching the whole group is what every proof does anyway: the service learns that the group
// was fetched, never which commitment was looked for.
import {
  type CommunityResponse,
  type GroupLeavesResponse,
  type MembershipChangeResponse,
  pendingJoinSealHours,
} from '@bridgenotes/protocol';

import { sealWaitKey } from '../shared/seal-wait-key';
import { api, communityPath, RequestError } from './api';
import { ensurePseudonym, FrameContext } from './context';
import { type StringKey, t } from './i18n';
import { joinWorkFields } from './join-work';
import { prover } from './prover-client';
import { confirmShown } from './visibility-guard';

/** Whether `commitment` is a leaf of the published group (a removed member's leaf is "0"). */
export async function inPublishedGroup(
  context: FrameContext,
  commitment: string,
): Promise<boolean> {
  const group = await api<GroupLeavesResponse>(`${communityPath(context.slug)}/group/leaves`);
  return commitment !== '0' && group.leaves.includes(commitment);
}

const NOT_IN_GROUP: Record<CommunityResponse['admission'], StringKey> = {
  OPEN: 'notInGroup',
  INVITE: 'notInGroup',
  CREDENTIAL: 'notInGroupCredential',
  CLOSED: 'notInGroupClosed',
};

/** "Not in the group now", with what `community`'s admission offers after a check. */
export const notInGroupText = (community: CommunityResponse): string =>
  t(NOT_IN_GROUP[community.admission], { community: community.name });

/**
 * The pending notice, by how `community`'s instance seals (`pendingJoinSealHours`): with no time
 * bound (batches wait for K members) no time is promised, as a quiet community may never seal;
 * with one, it is said; where the answer says none (an older API), the general wording.
 */
export function pendingText(community: Pick<CommunityResponse, 'name' | 'sealing'>): string {
  const hours = pendingJoinSealHours(community);
  return t(sealWaitKey('pending', hours), { community: community.name, hours: hours ?? '' });
}

/** What the kept identity's membership here is: a look in the group compares it before and after. */
const membershipState = ({ store }: FrameContext): string =>
  [store.identityCommitment, store.memberCommitment, store.pending, store.absentCommitment].join();

/**
 * Looks for `commitment` (the kept identity's: pending, sealed or absent here) in the published
 * group, and records what it finds: `found`, a sealed membership; `absent`, a sealed membership
 * missing, or a pending one missing for longer than the instance may keep a join for its batch
 * (`MemberStore.pendingOverdue`); `missing`, nothing changed.
 * `moved`: the identity or its membership changed while the group downloaded (a restore, another
 * tab), so what was looked for is not what is shown any more; nothing is recorded.
 */
export async function lookAgain(
  context: FrameContext,
  commitment: string,
): Promise<'found' | 'absent' | 'missing' | 'moved'> {
  const { store } = context;
  const before = membershipState(context);
  const found = await inPublishedGroup(context, commitment);
  if (store.identityCommitment !== commitment || membershipState(context) !== before) {
    return 'moved';
  }
  if (found) {
    store.joined(commitment);
    return 'found';
  }
  if (!store.isMember || (store.pending && !store.pendingOverdue(context.community)))
    return 'missing';
  store.absent();
  return 'absent';
}

/**
 * Records a join the API accepted (`answer`), or found already made (null: ALREADY_MEMBER, from
 * this device or another): pending while the commitment is not in the published leaves. True
 * when pending.
 */
export async function recordJoin(
  context: FrameContext,
  commitment: string,
  answer: MembershipChangeResponse | null,
): Promise<boolean> {
  const pending = answer
    ? answer.pending === true
    : !(await inPublishedGroup(context, commitment).catch(() => false));
  context.store.joined(commitment, pending);
  await ensurePseudonym(context);
  return pending;
}

/**
 * Whether `error` is the API's refusal of a join of `commitment` as MEMBERSHIP_ENDED (removed or
 * replaced), which is then recorded: the only end that is final, since a commitment missing from
 * the published leaves may be back in them later.
 */
export function recordedEnd(context: FrameContext, commitment: string, error: unknown): boolean {
  if (!(error instanceof RequestError && error.code === 'MEMBERSHIP_ENDED')) return false;
  context.store.refused(commitment);
  return true;
}

/**
 * Joins the community (OPEN, INVITE) with the kept identity `backup`, and records the answer: a
 * membership (`pending` while its batch waits: true), or its end (`ended`). The same for a first
 * join and for Join again beside a join pending too long: the same commitment, whose join the API
 * answers as the one still waiting, takes anew when lost, or refuses as removed. `working`: told
 * when a proof-of-work starts. Like every write, only once the member was shown the button
 * (visibility-guard.ts): a page that steers a click onto a hidden Join makes its user a member.
 */
export async function sendJoin(
  context: FrameContext,
  backup: string,
  inviteCode: string,
  working: () => void,
): Promise<boolean | 'ended'> {
  await confirmShown();
  const { commitment } = await prover({ type: 'commitment', backup });
  let answer: MembershipChangeResponse | null;
  try {
    answer = await api<MembershipChangeResponse>(`${communityPath(context.slug)}/members`, {
      method: 'POST',
      body: {
        commitment,
        ...(inviteCode ? { inviteCode } : {}),
        ...(await joinWorkFields(context, commitment as string, working)),
      },
    });
  } catch (error) {
    if (recordedEnd(context, commitment as string, error)) return 'ended';
    if (!(error instanceof RequestError && error.code === 'ALREADY_MEMBER')) throw error;
    answer = null;
  }
  return recordJoin(context, commitment as string, answer);
}
