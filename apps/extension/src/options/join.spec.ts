import { groupLeaves, InstanceError, join, joinWork } from '../shared/instance';
import { prover } from '../shared/prover';
import type { Follow } from '../shared/storage';
import { joinCommunity } from './join';

jest.mock('../shared/instance', () => ({
  ...jest.requireActual('../shared/instance'),
  groupLeaves: jest.fn(),
  join: jest.fn(),
  joinWork: jest.fn(),
}));
jest.mock('../shared/prover', () => ({ prover: jest.fn() }));

const follow: Follow = {
  instance: 'https://notes.example.org',
  slug: 'city-news',
  id: '0b4c8a1e-1111-4222-8333-444455556666',
  name: 'City News',
  scope: '42',
  admission: 'OPEN',
};
const commitment = '17203489156028453162347843568345691234567890';
const joinMock = jest.mocked(join);
const leavesMock = jest.mocked(groupLeaves);
const sealed = { leafIndex: 3, root: '1234', size: 4 };
const workMock = jest.mocked(joinWork);
const proverMock = jest.mocked(prover);
const challenge = (period: number) => ({
  challenge: `${period}.c2VydmVyLWNoYWxsZW5nZS1l`,
  difficulty: 10,
  expiresAt: '2026-12-05T12:20:00.000Z',
});
const refused = (code: string) => new InstanceError(400, code, code.toLowerCase());

beforeEach(() => {
  jest.resetAllMocks();
  joinMock.mockResolvedValue(sealed);
  proverMock.mockImplementation(async (request) => ({
    id: 1,
    ok: true,
    nonce: `nonce-for-${(request as { target: { challenge: string } }).target.challenge}`,
  }));
});

describe('joinCommunity', () => {
  it('sends the commitment alone when the community asks for no work', async () => {
    workMock.mockResolvedValue({ ...challenge(1), difficulty: 0 });
    const working = jest.fn();
    await joinCommunity(follow, commitment, 'INVITE-1', working);
    expect(joinMock).toHaveBeenCalledWith(follow, { commitment, inviteCode: 'INVITE-1' });
    expect(proverMock).not.toHaveBeenCalled();
    expect(working).not.toHaveBeenCalled();
  });

  it('solves the work in the prover for this commitment and this community, telling the member', async () => {
    workMock.mockResolvedValue(challenge(1));
    const working = jest.fn();
    await joinCommunity(follow, commitment, undefined, working);
    expect(working).toHaveBeenCalledTimes(1);
    expect(proverMock).toHaveBeenCalledWith({
      type: 'join-work',
      target: {
        community: follow.id,
        commitment,
        challenge: challenge(1).challenge,
        difficulty: 10,
      },
    });
    expect(joinMock).toHaveBeenCalledWith(follow, {
      commitment,
      workChallenge: challenge(1).challenge,
      workNonce: `nonce-for-${challenge(1).challenge}`,
    });
  });

  it('retries once with a fresh challenge when the first expired on its way', async () => {
    workMock.mockResolvedValueOnce(challenge(1)).mockResolvedValueOnce(challenge(2));
    joinMock.mockRejectedValueOnce(refused('JOIN_WORK_EXPIRED'));
    await joinCommunity(follow, commitment, undefined, jest.fn());
    expect(joinMock).toHaveBeenCalledTimes(2);
    expect(joinMock).toHaveBeenLastCalledWith(follow, {
      commitment,
      workChallenge: challenge(2).challenge,
      workNonce: `nonce-for-${challenge(2).challenge}`,
    });
  });

  it("gives the API's refusal after a second expired challenge, or any other refusal at once", async () => {
    workMock.mockResolvedValue(challenge(1));
    joinMock.mockRejectedValue(refused('JOIN_WORK_EXPIRED'));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).rejects.toMatchObject({
      code: 'JOIN_WORK_EXPIRED',
    });
    expect(joinMock).toHaveBeenCalledTimes(2);

    joinMock.mockReset().mockRejectedValue(refused('JOIN_WORK_INVALID'));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).rejects.toMatchObject({
      code: 'JOIN_WORK_INVALID',
    });
    expect(joinMock).toHaveBeenCalledTimes(1);
  });

  it('answers whether the instance keeps the join for its batch', async () => {
    workMock.mockResolvedValue({ ...challenge(1), difficulty: 0 });
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('sealed');
    joinMock.mockResolvedValue({ leafIndex: null, root: '1234', size: 3, pending: true });
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('pending');
    // Nothing else is asked: the answer says it.
    expect(leavesMock).not.toHaveBeenCalled();
  });

  it('counts being a member already as joined, pending until the published group holds the commitment', async () => {
    workMock.mockResolvedValue({ ...challenge(1), difficulty: 0 });
    joinMock.mockRejectedValue(refused('ALREADY_MEMBER'));
    const group = (leaves: string[]) => ({ root: '1234', size: leaves.length, depth: 20, leaves });
    leavesMock.mockResolvedValue(group(['0', commitment]));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('sealed');
    expect(leavesMock).toHaveBeenCalledWith(follow);
    leavesMock.mockResolvedValue(group(['0']));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('pending');
    // A group that cannot be fetched now: pending, looked for again later.
    leavesMock.mockRejectedValue(new Error('group: HTTP 503'));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('pending');
  });

  it('answers ended when the instance refuses the commitment as removed or replaced (MEMBERSHIP_ENDED)', async () => {
    workMock.mockResolvedValue({ ...challenge(1), difficulty: 0 });
    joinMock.mockRejectedValue(new InstanceError(409, 'MEMBERSHIP_ENDED', 'ended'));
    await expect(joinCommunity(follow, commitment, undefined, jest.fn())).resolves.toBe('ended');
    // Not waited for: the group is not looked at.
    expect(leavesMock).not.toHaveBeenCalled();
  });
});
