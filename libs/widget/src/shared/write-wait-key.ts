// What a member is told once a note or a rating is answered, wherever it is told (the frame, the
// extension's panel): the API answers while the write waits in the write buffer for its batch
// (docs/threat-model.md), so "published" or "saved" is said only where the instance seals every
// write in its request; elsewhere the wait its sealing keeps, never a time it does not keep (as
// seal-wait-key.ts words a join's wait).
import { type CommunityResponse, pendingJoinSealHours } from '@bridgenotes/protocol';

export type WriteWaitKey<W extends string> =
  W | `${W}BatchNoTimeBound` | `${W}BatchWithinHour` | `${W}BatchWithinHours`;

/**
 * The wording of `write`'s outcome (`noted`, `rated`) by `community`'s sealing, unchecked, with
 * the longest wait in hours: `write` itself where its longest wait is 0, or where an older
 * instance says none (it sealed in the request).
 */
export function writeWaitKey<W extends string>(
  write: W,
  community: Partial<Pick<CommunityResponse, 'sealing'>>,
): { key: WriteWaitKey<W>; hours: number | '' } {
  const hours = pendingJoinSealHours(community);
  if (hours === undefined || community.sealing?.maxWaitSeconds === 0)
    return { key: write, hours: '' };
  if (hours === null) return { key: `${write}BatchNoTimeBound`, hours: '' };
  return { key: hours === 1 ? `${write}BatchWithinHour` : `${write}BatchWithinHours`, hours };
}
