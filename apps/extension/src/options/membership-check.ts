// Recognising a membership made elsewhere (the community's widget, the CLI, another browser) from
// the community's published group. Fetching the whole group is what every member's client does
// before acting: the instance learns that the group was fetched, never which commitment is looked
// for (docs/extension.md, "What the lookup leaks").
import { groupLeaves, inGroup } from '../shared/instance';
import type { Follow } from '../shared/storage';

/** Which of the communities checked hold the commitment, and which could not be checked. */
export interface Recognition {
  recognised: Follow[];
  /** With the reason (an unreachable instance, a community deleted since it was followed). */
  unchecked: { follow: Follow; error: unknown }[];
}

/**
 * Of `follows`, those whose published group holds `commitment`, each checked on its own: one
 * community that cannot be fetched (for a moment, or for good) leaves the others recognised.
 */
export async function recognisedIn(follows: Follow[], commitment: string): Promise<Recognition> {
  const groups = await Promise.allSettled(follows.map((follow) => groupLeaves(follow)));
  const recognition: Recognition = { recognised: [], unchecked: [] };
  groups.forEach((group, index) => {
    const follow = follows[index];
    if (group.status === 'rejected') recognition.unchecked.push({ follow, error: group.reason });
    else if (inGroup(group.value, commitment)) recognition.recognised.push(follow);
  });
  return recognition;
}
