// What every view of the frame shares: the community, the post, the member's device-side
// memory, the host page and the prover.
import type { CommunityResponse } from '@bridgenotes/protocol';

import type { ProvenForApi } from '../shared/messages';
import type { HostBridge } from './host';
import type { MemberStore } from './member-store';
import { prover } from './prover-client';

export interface FrameContext {
  slug: string;
  postUrl: string;
  community: CommunityResponse;
  store: MemberStore;
  host: HostBridge;
}

/** Proves an action as the member, in the prover worker. */
export async function prove(
  context: FrameContext,
  kind: string,
  target: string,
  payload: { [key: string]: unknown },
  clientMinute?: number,
): Promise<ProvenForApi> {
  const { community } = context;
  const { proven } = await prover({
    type: 'prove',
    backup: context.store.identity as string,
    community: { id: community.id, slug: community.slug, scope: community.scope },
    kind,
    target,
    payload,
    clientMinute,
  });
  return proven as ProvenForApi;
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
