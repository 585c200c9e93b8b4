// Joining a community from the settings. An OPEN community may ask each join for a proof-of-work
// (docs/operations.md, "Proof-of-work on joins"), solved in the extension's prover worker so that
// the settings page stays responsive.
import { askAndSolveJoinWork } from '@bridgenotes/protocol';

import { InstanceError, join, joinWork } from '../shared/instance';
import { prover } from '../shared/prover';
import type { Follow } from '../shared/storage';

/** The join's `workChallenge` and `workNonce`, or nothing when the community asks for no work. */
const workFields = (follow: Follow, commitment: string, working: () => void) =>
  // Asked at each join, whatever the admission kept when followed: the operator may turn the work
  // on (or open the community) at any time, and the instance answers 0 for any other admission.
  askAndSolveJoinWork(
    { community: follow.id, commitment },
    () => joinWork(follow),
    async (target) => (await prover({ type: 'join-work', target })).nonce as string,
    working,
  );

/**
 * Joins `follow` with `commitment`; `working` is told when a proof-of-work starts (seconds of
 * computing, so the member is told). Being a member already counts as joined.
 */
export async function joinCommunity(
  follow: Follow,
  commitment: string,
  inviteCode: string | undefined,
  working: () => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await join(follow, {
        commitment,
        ...(inviteCode ? { inviteCode } : {}),
        ...(await workFields(follow, commitment, working)),
      });
      return;
    } catch (error) {
      const code = error instanceof InstanceError ? error.code : '';
      if (code === 'ALREADY_MEMBER') return;
      // A challenge that expired on its way (its period ended while the work ran): one fresh one.
      if (code !== 'JOIN_WORK_EXPIRED' || attempt > 1) throw error;
    }
  }
}
