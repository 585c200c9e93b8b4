/**
 * libs/protocol's `MAX_PROOF_MIN_MEMBERS` (a full tree's members), copied so the page's bundle
 * takes no code from a library that also hashes and proves; the budget test holds the copy equal
 * to the original, which the API's validation uses.
 */
export const MAX_PROOF_MIN_MEMBERS = 1_048_576;

/** What the settings read of a community's minimum anonymity set (GET /communities/:slug). */
export interface ProofMinimum {
  /** Live members now. */
  members: number;
  /** The minimum in force: the community's own, else the instance's PROOF_MIN_MEMBERS. */
  proofMinMembers: number;
  proofMinMembersSource: 'community' | 'instance';
}

/** The field's text: the community's own minimum, empty while it follows the instance's. */
export const proofMinMembersText = (community: ProofMinimum): string =>
  community.proofMinMembersSource === 'community' ? String(community.proofMinMembers) : '';

/** The field's hint: the minimum in force, whose it is, and whether the community has reached it. */
export function proofMinMembersHint(community: ProofMinimum): string {
  const { members, proofMinMembers: minimum } = community;
  const whose =
    community.proofMinMembersSource === 'community'
      ? "this community's own"
      : "the instance's PROOF_MIN_MEMBERS";
  const reached =
    members >= minimum
      ? `its ${members} live members reach it`
      : `with ${members} live members, every proof here is refused until ${minimum - members} more join`;
  return `The fewest live members a group root needs for proofs against it: a proof hides its member among them. Now ${minimum}, ${whose}; ${reached}. Empty: the instance's. Lower it only for a group that accepts being hidden among few.`;
}

/**
 * The value PATCH /communities/:slug takes for the field's text (null: follow the instance's), or
 * the API's refusal of it, as its code and a message, which the form shows without sending: the
 * API takes a whole number from 1 to MAX_PROOF_MIN_MEMBERS, or null.
 */
export function proofMinMembersValue(
  text: string,
): { value: number | null } | { problem: { code: string; message: string } } {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null };
  const value = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (value >= 1 && value <= MAX_PROOF_MIN_MEMBERS) return { value };
  return {
    problem: {
      code: 'VALIDATION_FAILED',
      message: `proofMinMembers must be a whole number from 1 to ${MAX_PROOF_MIN_MEMBERS}, or empty for the instance's minimum`,
    },
  };
}
