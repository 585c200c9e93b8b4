import {
  MAX_PROOF_MIN_MEMBERS,
  proofMinMembersHint,
  proofMinMembersText,
  proofMinMembersValue,
} from './proof-min-members';

const refusal = {
  problem: {
    code: 'VALIDATION_FAILED',
    message:
      "proofMinMembers must be a whole number from 1 to 1048576, or empty for the instance's minimum",
  },
};

describe("the settings' smallest group for proofs (proofMinMembers)", () => {
  it("shows the community's own minimum, and nothing while it follows the instance's", () => {
    expect(
      proofMinMembersText({ members: 12, proofMinMembers: 1, proofMinMembersSource: 'community' }),
    ).toBe('1');
    expect(
      proofMinMembersText({ members: 3, proofMinMembers: 20, proofMinMembersSource: 'instance' }),
    ).toBe('');
  });

  it('says the minimum in force, whose it is, and how many more members it needs', () => {
    expect(
      proofMinMembersHint({ members: 3, proofMinMembers: 20, proofMinMembersSource: 'instance' }),
    ).toContain(
      "Now 20, the instance's PROOF_MIN_MEMBERS; with 3 live members, every proof here is refused until 17 more join.",
    );
    expect(
      proofMinMembersHint({ members: 12, proofMinMembers: 1, proofMinMembersSource: 'community' }),
    ).toContain("Now 1, this community's own; its 12 live members reach it.");
  });

  it('sends a whole number from 1 to a full tree, null for an empty field', () => {
    expect(proofMinMembersValue('')).toEqual({ value: null });
    expect(proofMinMembersValue('  ')).toEqual({ value: null });
    expect(proofMinMembersValue('1')).toEqual({ value: 1 });
    expect(proofMinMembersValue(' 12 ')).toEqual({ value: 12 });
    expect(proofMinMembersValue(String(MAX_PROOF_MIN_MEMBERS))).toEqual({ value: 1_048_576 });
  });

  // The values the API refuses (apps/api proof-min-members.spec.ts), and others a field can hold.
  it.each(['0', '1.5', 'x', String(2 ** 20 + 1), '-3', '1e3', '99999999999999999999'])(
    'refuses %p as the API does, before sending it',
    (text) => {
      expect(proofMinMembersValue(text)).toEqual(refusal);
    },
  );
});
