// Whether the member's commitment is in the community's published group, and recording a join
// or its refusal.
// Fetching the whole group is what every proof does anyway: the service learns that the group
// was fetched, never which commitment was looked for.
import type { GroupLeavesResponse, MembershipChangeResponse } from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from './api';
import { ensurePseudonym, FrameContext } from './context';

/** Whether `commitment` is a leaf of the published group (a removed member's leaf is "0"). */
export async function inPublishedGroup(
  context: FrameContext,
  commitment: string,
): Promise<boolean> {
  const group = await api<GroupLeavesResponse>(`${communityPath(context.slug)}/group/leaves`);
  return commitment !== '0' && group.leaves.includes(commitment);
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
