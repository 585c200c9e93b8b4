import type { CommunityInfo, PublishedGroup } from '@bridgenotes/client';

import { getCommunity, groupLeaves } from './instance';
import {
  isSettleMembership,
  membershipOf,
  pendingResendable,
  settleFollowed,
  settleMembership,
  withEnd,
  withMemberships,
} from './membership';
import { type Follow, followKey, load, type Stored, update } from './storage';

jest.mock('./instance', () => ({
  ...jest.requireActual('./instance'),
  getCommunity: jest.fn(),
  groupLeaves: jest.fn(),
}));
jest.mock('./storage', () => ({
  ...jest.requireActual('./storage'),
  load: jest.fn(),
  update: jest.fn(),
}));

const commitment = '17203489156028453162347843568345691234567890';
const other = '9988776655443322110099887766554433221100';
const HOUR = 60 * 60;
/** A follow, with the seal wait its instance answered when followed (6 h: the default). */
const followOf = (slug: string, sealing: Follow['sealing'] = { maxWaitSeconds: 6 * HOUR }) => ({
  instance: 'https://notes.example.org',
  slug,
  id: `id-${slug}`,
  name: slug,
  scope: '42',
  admission: 'OPEN' as const,
  sealing,
});
const patient = followOf('patient');
const forum = followOf('forum');
/** Followed by an earlier version: no seal wait kept. */
const earlier: Follow = { ...followOf('earlier'), sealing: undefined };
const group = (leaves: string[]): PublishedGroup => ({
  root: '1234',
  size: leaves.length,
  depth: 20,
  leaves,
});
const leavesMock = jest.mocked(groupLeaves);
const communityMock = jest.mocked(getCommunity);
/** The instance's answer for a community: with its seal wait, or none (an older API). */
const communityAnswering = (sealing?: CommunityInfo['sealing']) =>
  communityMock.mockResolvedValue((sealing === undefined ? {} : { sealing }) as CommunityInfo);

/** The extension's storage, as load() and update() see it. */
let stored: Stored;
const storedWith = (
  memberships: Stored['memberships'],
  pending: Stored['pending'] = {},
  ended: Stored['ended'] = {},
  refused: Stored['refused'] = {},
) => {
  stored = {
    follows: [patient, forum, earlier],
    identities: {},
    memberships,
    pending,
    pendingSince: {},
    ended,
    refused,
    ratings: {},
    ratingMinutes: {},
  };
};

beforeEach(() => {
  jest.resetAllMocks();
  jest.mocked(load).mockImplementation(async () => structuredClone(stored));
  jest.mocked(update).mockImplementation(async (change) => {
    stored = { ...stored, ...change(structuredClone(stored)) };
  });
});

describe('membershipOf', () => {
  it('tells no membership, one waiting for its batch and one sealed apart', () => {
    storedWith(
      { [followKey(patient)]: commitment, [followKey(forum)]: commitment },
      { [followKey(patient)]: commitment },
    );
    expect(membershipOf(stored, patient)).toBe('pending');
    expect(membershipOf(stored, forum)).toBe('sealed');
    expect(membershipOf(stored, followOf('city-news'))).toBe('none');
  });

  it('tells a membership the instance ended apart from one missing from the group, for its commitment only', () => {
    storedWith(
      { [followKey(patient)]: commitment, [followKey(forum)]: commitment },
      {},
      // Missing from the group when last looked at (what earlier versions took for an end).
      { [followKey(patient)]: commitment, [followKey(forum)]: other },
    );
    expect(membershipOf(stored, patient)).toBe('absent');
    expect(membershipOf(stored, forum)).toBe('sealed');
    stored.refused = { [followKey(patient)]: commitment, [followKey(forum)]: other };
    expect(membershipOf(stored, patient)).toBe('ended');
    expect(membershipOf(stored, forum)).toBe('sealed');
  });

  it('counts a pending mark only for the commitment the membership holds', () => {
    storedWith({ [followKey(patient)]: commitment }, { [followKey(patient)]: other });
    expect(membershipOf(stored, patient)).toBe('sealed');
  });
});

describe('withMemberships', () => {
  it('records a pending join, keeping the other memberships and their state', () => {
    storedWith({ [followKey(forum)]: other }, { [followKey(forum)]: other });
    expect(withMemberships(stored, [patient], commitment, true)).toEqual({
      memberships: { [followKey(forum)]: other, [followKey(patient)]: commitment },
      pending: { [followKey(forum)]: other, [followKey(patient)]: commitment },
      pendingSince: { [followKey(patient)]: expect.stringMatching(`^${commitment}:\\d+$`) },
      ended: {},
      refused: {},
    });
  });

  it('records a sealed membership, clearing its pending mark only', () => {
    storedWith(
      { [followKey(forum)]: commitment, [followKey(patient)]: commitment },
      { [followKey(forum)]: commitment, [followKey(patient)]: commitment },
    );
    expect(withMemberships(stored, [patient], commitment)).toEqual({
      memberships: stored.memberships,
      pending: { [followKey(forum)]: commitment },
      pendingSince: {},
      ended: {},
      refused: {},
    });
  });
});

describe('withEnd', () => {
  it('records the membership as ended or absent, no longer pending, keeping the others', () => {
    storedWith(
      { [followKey(patient)]: commitment, [followKey(forum)]: other },
      { [followKey(patient)]: commitment },
    );
    const absent = { ...stored, ...withEnd(stored, patient, commitment, 'absent') };
    expect(membershipOf(absent, patient)).toBe('absent');
    expect(membershipOf(absent, forum)).toBe('sealed');
    const ended = { ...absent, ...withEnd(absent, patient, commitment, 'ended') };
    expect(membershipOf(ended, patient)).toBe('ended');
    expect(membershipOf(ended, forum)).toBe('sealed');
  });

  it('is undone by a membership recorded anew (another identity joined or recognised)', () => {
    storedWith(
      { [followKey(patient)]: commitment },
      {},
      { [followKey(patient)]: commitment },
      { [followKey(patient)]: commitment },
    );
    const changed = { ...stored, ...withMemberships(stored, [patient], other) };
    expect(membershipOf(changed, patient)).toBe('sealed');
    expect(changed.ended).toEqual({});
    expect(changed.refused).toEqual({});
  });
});

describe('settleMembership', () => {
  // The clock a test set (Date.now) is put back even when it fails: left, it would be reset to
  // answer undefined for every later test.
  afterEach(() => jest.restoreAllMocks());

  it('answers none without fetching the group', async () => {
    storedWith({ [followKey(forum)]: commitment });
    await expect(settleMembership(patient)).resolves.toBe('none');
    expect(leavesMock).not.toHaveBeenCalled();
  });

  it('keeps a sealed membership sealed while the published group holds it', async () => {
    storedWith({ [followKey(forum)]: commitment });
    leavesMock.mockResolvedValue(group([other, commitment]));
    await expect(settleMembership(forum)).resolves.toBe('sealed');
    expect(leavesMock.mock.calls).toEqual([[forum]]);
    expect(membershipOf(stored, forum)).toBe('sealed');
  });

  it('records a sealed membership missing from the published group as absent, and looks for it again', async () => {
    storedWith({ [followKey(forum)]: commitment, [followKey(patient)]: commitment });
    // A removed member's leaf is published as 0.
    leavesMock.mockResolvedValue(group(['0', other]));
    await expect(settleMembership(forum)).resolves.toBe('absent');
    // Only the follow is passed: nothing about the commitment reaches the instance.
    expect(leavesMock.mock.calls).toEqual([[forum]]);
    expect(membershipOf(stored, forum)).toBe('absent');
    expect(membershipOf(stored, patient)).toBe('sealed');
    // Missing is no end: each later download looks again (a restored instance, a mirror behind,
    // a join an earlier version recorded as sealed while it waited), and finds it back.
    await expect(settleMembership(forum)).resolves.toBe('absent');
    expect(leavesMock).toHaveBeenCalledTimes(2);
    leavesMock.mockResolvedValue(group([other, commitment]));
    await expect(settleMembership(forum)).resolves.toBe('sealed');
    expect(membershipOf(stored, forum)).toBe('sealed');
    expect(stored.ended).toEqual({});
  });

  it('takes a membership an earlier version recorded as ended from absence as absent, found again once a leaf', async () => {
    storedWith({ [followKey(forum)]: commitment }, {}, { [followKey(forum)]: commitment });
    leavesMock.mockResolvedValue(group([commitment]));
    await expect(settleMembership(forum)).resolves.toBe('sealed');
    expect(membershipOf(stored, forum)).toBe('sealed');
  });

  it('does not look again for a membership the instance ended (MEMBERSHIP_ENDED)', async () => {
    storedWith({ [followKey(forum)]: commitment });
    stored = { ...stored, ...withEnd(stored, forum, commitment, 'ended') };
    await expect(settleMembership(forum)).resolves.toBe('ended');
    expect(leavesMock).not.toHaveBeenCalled();
  });

  it('keeps a pending membership pending while the published group does not hold it', async () => {
    storedWith({}, {});
    stored = { ...stored, ...withMemberships(stored, [patient], commitment, true) };
    leavesMock.mockResolvedValue(group([other]));
    await expect(settleMembership(patient)).resolves.toBe('pending');
    // Only the follow is passed: nothing about the commitment reaches the instance.
    expect(leavesMock.mock.calls).toEqual([[patient]]);
    expect(update).not.toHaveBeenCalled();
    expect(membershipOf(stored, patient)).toBe('pending');
  });

  it('records it sealed once the published group holds it', async () => {
    storedWith(
      { [followKey(patient)]: commitment, [followKey(forum)]: commitment },
      { [followKey(patient)]: commitment, [followKey(forum)]: commitment },
    );
    leavesMock.mockResolvedValue(group([other, commitment]));
    await expect(settleMembership(patient)).resolves.toBe('sealed');
    expect(membershipOf(stored, patient)).toBe('sealed');
    expect(membershipOf(stored, forum)).toBe('pending');
  });

  it('leaves a membership recorded anew while the group was fetched as it was recorded', async () => {
    storedWith({ [followKey(patient)]: commitment }, { [followKey(patient)]: commitment });
    leavesMock.mockImplementation(async () => {
      storedWith({ [followKey(patient)]: other }, { [followKey(patient)]: other });
      return group([commitment]);
    });
    await expect(settleMembership(patient)).resolves.toBe('sealed');
    expect(stored.pending).toEqual({ [followKey(patient)]: other });
  });

  /** A join of `follow` kept for its batch, never sealed; `at`: the clock, seconds after it. */
  function joinNeverSealed(follow: Follow = patient) {
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    at(0);
    storedWith({});
    stored = { ...stored, ...withMemberships(stored, [follow], commitment, true) };
    leavesMock.mockResolvedValue(group([other]));
    return at;
  }

  it('records a join still missing past a day as absent where the instance did not say its seal wait', async () => {
    const unsaid = followOf('unsaid', null);
    const at = joinNeverSealed(unsaid);
    at(24 * HOUR - 60);
    await expect(settleMembership(unsaid)).resolves.toBe('pending');
    at(24 * HOUR + 60);
    await expect(settleMembership(unsaid)).resolves.toBe('absent');
    expect(membershipOf(stored, unsaid)).toBe('absent');
    expect(communityMock).not.toHaveBeenCalled();
  });

  it('waits four times the seal wait kept with the follow, 48 h for 12 h, before recording a join absent', async () => {
    const slow = followOf('slow', { maxWaitSeconds: 12 * HOUR });
    const at = joinNeverSealed(slow);
    // The instance's answer now is not what the follow kept: the kept one counts.
    communityAnswering({ maxWaitSeconds: 0 });
    at(48 * HOUR - 60);
    await expect(settleMembership(slow)).resolves.toBe('pending');
    expect(membershipOf(stored, slow)).toBe('pending');
    at(48 * HOUR + 60);
    await expect(settleMembership(slow)).resolves.toBe('absent');
    expect(communityMock).not.toHaveBeenCalled();
  });

  it('never records a join absent where the instance waits for K members however long', async () => {
    const quorum = followOf('quorum', { maxWaitSeconds: null });
    const at = joinNeverSealed(quorum);
    at(365 * 24 * HOUR);
    await expect(settleMembership(quorum)).resolves.toBe('pending');
    expect(membershipOf(stored, quorum)).toBe('pending');
  });

  it('asks the instance the same whatever it finds and however long the join waited: the group only', async () => {
    // A join missing past its bound, one missing within it, one found, and a sealed membership.
    communityAnswering({ maxWaitSeconds: 6 * HOUR });
    const requests: unknown[][] = [];
    const outcomes: string[] = [];
    for (const [waited, leaves] of [
      [30 * 24 * HOUR, [other]],
      [HOUR, [other]],
      [30 * 24 * HOUR, [other, commitment]],
    ] as const) {
      const at = joinNeverSealed();
      leavesMock.mockResolvedValue(group([...leaves]));
      at(waited);
      outcomes.push(await settleMembership(patient));
      requests.push([...leavesMock.mock.calls, ...communityMock.mock.calls]);
      leavesMock.mockClear();
    }
    outcomes.push(await settleMembership(patient));
    requests.push([...leavesMock.mock.calls, ...communityMock.mock.calls]);
    expect(outcomes).toEqual(['absent', 'pending', 'sealed', 'sealed']);
    expect(requests).toEqual(Array(4).fill([[patient]]));
  });

  it('asks the community of a follow an earlier version recorded once, at its first look whatever it finds, and keeps its seal wait', async () => {
    storedWith({ [followKey(earlier)]: commitment });
    leavesMock.mockResolvedValue(group([commitment]));
    communityAnswering({ maxWaitSeconds: null });
    await expect(settleMembership(earlier)).resolves.toBe('sealed');
    expect(communityMock.mock.calls).toEqual([[earlier.instance, earlier.slug]]);
    const kept = stored.follows.find((entry) => followKey(entry) === followKey(earlier));
    expect(kept).toEqual({ ...earlier, sealing: { maxWaitSeconds: null } });
    // Looked for again, even from a page's copy of the follow drawn before (the settings' Check
    // again): the wait as kept now is used, the instance is not asked again, and a join made
    // since waits with no time bound.
    const at = joinNeverSealed(kept as Follow);
    stored = { ...stored, follows: [patient, forum, kept as Follow] };
    at(365 * 24 * HOUR);
    await expect(settleMembership(earlier)).resolves.toBe('pending');
    expect(communityMock).toHaveBeenCalledTimes(1);
  });

  it('records nothing when the community of a follow an earlier version recorded cannot be fetched', async () => {
    const at = joinNeverSealed(earlier);
    communityMock.mockRejectedValue(new Error('community: HTTP 503'));
    at(30 * 24 * HOUR);
    await expect(settleMembership(earlier)).rejects.toThrow('HTTP 503');
    expect(membershipOf(stored, earlier)).toBe('pending');
    expect(stored.follows).toContainEqual(earlier);
  });

  it('times a pending join an earlier version recorded from the first time it is looked for', async () => {
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    storedWith({ [followKey(patient)]: commitment }, { [followKey(patient)]: commitment });
    leavesMock.mockResolvedValue(group([other]));
    at(0);
    await expect(settleMembership(patient)).resolves.toBe('pending');
    at(24 * HOUR - 60);
    await expect(settleMembership(patient)).resolves.toBe('pending');
    at(24 * HOUR + 60);
    await expect(settleMembership(patient)).resolves.toBe('absent');
    jest.restoreAllMocks();
  });

  it('fails with the instance’s error when the group cannot be fetched, still pending', async () => {
    storedWith({ [followKey(patient)]: commitment }, { [followKey(patient)]: commitment });
    leavesMock.mockRejectedValue(new Error('group: HTTP 503'));
    await expect(settleMembership(patient)).rejects.toThrow('HTTP 503');
    expect(membershipOf(stored, patient)).toBe('pending');
  });
});

describe('Join again, beside a join pending with no seal time bound', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is offered once the join waited a day, while it stays pending, and no more once it is sent again', async () => {
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    const quorum = followOf('quorum', { maxWaitSeconds: null });
    at(0);
    storedWith({});
    stored = { ...stored, ...withMemberships(stored, [quorum], commitment, true) };
    leavesMock.mockResolvedValue(group([other]));
    at(24 * HOUR - 60);
    expect(pendingResendable(stored, quorum)).toBe(false);
    at(30 * 24 * HOUR);
    await expect(settleMembership(quorum)).resolves.toBe('pending');
    expect(pendingResendable(stored, quorum)).toBe(true);
    // Sent again (the settings' Join again records the answer as a join does): waited for anew.
    stored = { ...stored, ...withMemberships(stored, [quorum], commitment, true) };
    expect(pendingResendable(stored, quorum)).toBe(false);
    // Not for a sealed membership, nor for a pending one an earlier version recorded (timed from
    // its first look).
    expect(pendingResendable({ ...stored, pending: {} }, quorum)).toBe(false);
    expect(pendingResendable({ ...stored, pendingSince: {} }, quorum)).toBe(false);
  });
});

describe('the panel’s request', () => {
  it('is recognised by its type and its community’s address', () => {
    const message = { type: 'settle-membership', instance: patient.instance, slug: patient.slug };
    expect(isSettleMembership(message)).toBe(true);
    expect(isSettleMembership({ ...message, slug: 42 })).toBe(false);
    expect(isSettleMembership({ ...message, type: 'save-rating' })).toBe(false);
    expect(isSettleMembership(null)).toBe(false);
  });

  it('settles the followed community as the storage keeps it, and no other', async () => {
    storedWith({ [followKey(patient)]: commitment }, { [followKey(patient)]: commitment });
    leavesMock.mockResolvedValue(group([commitment]));
    const request = { type: 'settle-membership' as const, instance: patient.instance };
    await expect(settleFollowed({ ...request, slug: 'not-followed' })).resolves.toBe('none');
    expect(leavesMock).not.toHaveBeenCalled();
    await expect(settleFollowed({ ...request, slug: patient.slug })).resolves.toBe('sealed');
    expect(leavesMock.mock.calls).toEqual([[patient]]);
    expect(membershipOf(stored, patient)).toBe('sealed');
  });
});
