// An OPEN community's proof-of-work before joining, solved by the prover worker off the main
// thread (docs/operations.md, "Proof-of-work on joins").
import {
  askAndSolveJoinWork,
  type JoinWorkFields,
  type JoinWorkResponse,
} from '@bridgenotes/protocol';

import { api, communityPath } from './api';
import type { FrameContext } from './context';
import { prover } from './prover-client';

/**
 * The join's `workChallenge` and `workNonce`, or nothing when the community asks for no work.
 * `working` is told when the work starts: it takes seconds on a phone, so the member is told.
 */
export async function joinWorkFields(
  context: FrameContext,
  commitment: string,
  working: () => void = () => undefined,
): Promise<JoinWorkFields> {
  const { community } = context;
  // Asked at each join rather than read from the community as the frame loaded it: the operator
  // may have turned the work on since.
  if (community.admission !== 'OPEN') return {};
  return askAndSolveJoinWork(
    { community: community.id, commitment },
    () => api<JoinWorkResponse>(`${communityPath(context.slug)}/join-work`),
    async (target) => (await prover({ type: 'join-work', target })).nonce as string,
    working,
  );
}
