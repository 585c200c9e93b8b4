// Joining a community from the settings. An OPEN community may ask each join for a proof-of-work
// (docs/operations.md, "Proof-of-work on joins"), solved in the extension's prover worker so that
// the settings page stays responsive.
import { askAndSolveJoinWork } from '@bridgenotes/protocol';

import { groupLeaves, inGroup, InstanceError, join, joinWork } from '../shared/instance';
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
 * computing, so the member is told). Being a member already counts as joined. Answers the
 * membership's state: `pending` when it waits to be sealed (the instance keeps the join for its
 * batch, or a join made before, here or elsewhere, is not in the published group yet, or the
 * group cannot be fetched now: it is looked for again later); `ended` when the instance refuses
 * the commitment as removed or replaced (MEMBERSHIP_ENDED), which no wait changes.
 */
export async function joinCommunity(
  follow: Follow,
  commitment: string,
  inviteCode: string | undefined,
  working: () => void,
): Promise<'pending' | 'sealed' | 'ended'> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await join(follow, {
        commitment,
        ...(inviteCode ? { inviteCode } : {}),
        ...(await workFields(follow, commitment, working)),
      });
      return answer.pending === true ? 'pending' : 'sealed';
    } catch (error) {
      const code = error instanceof InstanceError ? error.code : '';
      if (code === 'MEMBERSHIP_ENDED') return 'ended';
      if (code === 'ALREADY_MEMBER') {
        const found = await groupLeaves(follow).then(
          (group) => inGroup(group, commitment),
          () => false,
        );
        return found ? 'sealed' : 'pending';
      }
      // A challenge that expired on its way (its period ended while the work ran): one fresh one.
      if (code !== 'JOIN_WORK_EXPIRED' || attempt > 1) throw error;
    }
  }
}
