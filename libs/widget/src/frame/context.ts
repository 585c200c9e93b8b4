// What every view of the frame shares: the community, the post, the member's device-side
// memory, the host page and the prover.
import { type CommunityResponse, minuteOf, pendingJoinSealHours } from '@bridgenotes/protocol';

import type { ProvenForApi } from '../shared/messages';
import { instanceClock, RequestError } from './api';
import type { HostBridge } from './host';
import type { MemberStore } from './member-store';
import { lookAgain, notInGroupText } from './membership';
import { prover } from './prover-client';

export interface FrameContext {
  slug: string;
  postUrl: string;
  community: CommunityResponse;
  store: MemberStore;
  host: HostBridge;
  /**
   * "Notes you wrote or rated changed status", once looked up (else null): shown at the top of
   * the member's forms, and kept there when they are rendered anew.
   */
  updates: HTMLElement | null;
  /** Says `message` in the frame's live region (screen readers read it; nobody sees it). */
  announce(message: string): void;
  /** Renders the member's area anew (set by views/contribute.ts): a membership changed. */
  membershipChanged?: (outcome: Outcome) => void;
}

/**
 * What a member-panel action changed, for the section to render again: `message` said in the
 * live region, and the focus moved to the panel's heading unless `focus` is false (a change
 * found in the background must not take the focus from where the member is).
 */
export interface Outcome {
  message: string;
  focus?: boolean;
}

/**
 * Proves an action as the member, in the prover worker. The caller asked first whether the member
 * saw what they used (`confirmShown`, once per action, as its handler starts): not here, where a
 * proof made anew within the action (a rating's later minute, a kept proof outdated) would ask
 * again, name, or be refused for, whatever the member touched since.
 */
export async function prove(
  context: FrameContext,
  kind: string,
  target: string,
  payload: { [key: string]: unknown },
  clientMinute?: number,
): Promise<ProvenForApi> {
  const { community, store } = context;
  const sealed = store.canAct ? store.memberCommitment : null;
  try {
    const { proven } = await prover({
      type: 'prove',
      backup: store.identity as string,
      community: { id: community.id, slug: community.slug, scope: community.scope },
      kind,
      target,
      payload,
      // The instance's minute, never the device's: a device's clock error in every proven
      // minute would tell its writes apart (ServerClock).
      clientMinute: clientMinute ?? minuteOf(instanceClock.now()),
      // For a refusal before the seal, which says the wait (or that there is no set time).
      sealHours: pendingJoinSealHours(community),
    });
    return proven as ProvenForApi;
  } catch (error) {
    // The prover only sees the commitment missing from the group. For a sealed membership that is
    // no wait for a batch: looked up as the member panel does, and shown absent when missing.
    if (!sealed || !(error instanceof RequestError) || error.code !== 'NOT_SEALED') throw error;
    if ((await lookAgain(context, sealed).catch(() => null)) !== 'absent') throw error;
    context.membershipChanged?.({ message: notInGroupText(community) });
    throw new RequestError('NOT_IN_GROUP', error.message);
  }
}

/** The member's pseudonym, computed once on the device from the identity and the scope. */
export async function ensurePseudonym(context: FrameContext): Promise<string | null> {
  const { store, community } = context;
  if (!store.isMember || !store.identity) return null;
  if (!store.pseudonym) {
    const { pseudonym } = await prover({
      type: 'pseudonym',
      backup: store.identity,
      scope: community.scope,
    });
    store.pseudonym = pseudonym as string;
  }
  return store.pseudonym;
}
