import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';

import {
  askAndSolveJoinWork,
  checkJoinWork,
  JOIN_WORK_DOMAIN,
  JoinWorkTarget,
  leadingZeroBits,
  solveJoinWork,
} from './join-work';

const target: JoinWorkTarget = {
  community: '0b4c8a1e-1111-4222-8333-444455556666',
  commitment: '17203489156028453162347843568345691234567890',
  challenge: '2943000.c2VydmVyLWNoYWxsZW5nZS1leGFtcGxl',
  difficulty: 12,
};

describe('join work', () => {
  it('counts leading zero bits across bytes', () => {
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0x01))).toBe(7);
    expect(leadingZeroBits(Uint8Array.of(0, 0, 0x10, 0xff))).toBe(19);
    expect(leadingZeroBits(Uint8Array.of(0, 0))).toBe(16);
  });

  it('finds a nonce whose hash, computed independently, has the leading zero bits', () => {
    const nonce = solveJoinWork(target) as string;
    expect(checkJoinWork(target, nonce)).toBe(true);
    const digest = sha256(
      utf8ToBytes(
        `${JOIN_WORK_DOMAIN}|${target.community}|${target.commitment}|${target.challenge}|${nonce}`,
      ),
    );
    expect(leadingZeroBits(digest)).toBeGreaterThanOrEqual(target.difficulty);
  });

  it('binds a solution to its commitment, community and challenge', () => {
    const nonce = solveJoinWork({ ...target, difficulty: 16 }) as string;
    const hard = { ...target, difficulty: 16 };
    expect(checkJoinWork(hard, nonce)).toBe(true);
    // Each other target holds with probability 2^-16 per nonce: these are fixed, so they fail.
    expect(
      checkJoinWork({ ...hard, commitment: '17203489156028453162347843568345691234567891' }, nonce),
    ).toBe(false);
    expect(
      checkJoinWork({ ...hard, community: '0b4c8a1e-1111-4222-8333-444455556667' }, nonce),
    ).toBe(false);
    expect(
      checkJoinWork({ ...hard, challenge: '2943001.c2VydmVyLWNoYWxsZW5nZS1leGFtcGxl' }, nonce),
    ).toBe(false);
  });

  it('refuses nonces that are not a short canonical decimal', () => {
    const easy = { ...target, difficulty: 0 };
    expect(checkJoinWork(easy, '7')).toBe(true);
    for (const nonce of ['', '07', '-1', '1e3', ' 1', '1234567890123456', 'abc']) {
      expect(checkJoinWork(easy, nonce)).toBe(false);
    }
  });

  it('lets solvers split the nonce space and gives up after maxTries', () => {
    const even = solveJoinWork(target, { start: 0, step: 2 }) as string;
    expect(Number(even) % 2).toBe(0);
    expect(checkJoinWork(target, even)).toBe(true);
    expect(solveJoinWork({ ...target, difficulty: 32 }, { maxTries: 10 })).toBeUndefined();
  });

  it('crosses the 64-byte block boundary of the prefix the same way as one hash', () => {
    for (const commitment of ['1', '1'.repeat(30), '9'.repeat(77)]) {
      const t = { ...target, commitment, difficulty: 8 };
      const nonce = solveJoinWork(t) as string;
      expect(checkJoinWork(t, nonce)).toBe(true);
    }
  });
});

describe('askAndSolveJoinWork', () => {
  const joining = { community: target.community, commitment: target.commitment };

  it('asks the challenge, tells the member, solves it for this commitment and community, and returns both fields', async () => {
    const order: string[] = [];
    const ask = jest.fn(async () => {
      order.push('ask');
      return { challenge: target.challenge, difficulty: target.difficulty };
    });
    const solve = jest.fn(async (asked: JoinWorkTarget) => {
      order.push('solve');
      return solveJoinWork(asked) as string;
    });
    const fields = await askAndSolveJoinWork(joining, ask, solve, () => order.push('working'));
    expect(order).toEqual(['ask', 'working', 'solve']);
    expect(solve).toHaveBeenCalledWith(target);
    expect(fields).toEqual({ workChallenge: target.challenge, workNonce: expect.any(String) });
    expect(checkJoinWork(target, fields.workNonce as string)).toBe(true);
  });

  it('returns no field, solves nothing and tells nothing at difficulty 0', async () => {
    const solve = jest.fn();
    const working = jest.fn();
    const ask = async () => ({ challenge: target.challenge, difficulty: 0 });
    await expect(askAndSolveJoinWork(joining, ask, solve, working)).resolves.toEqual({});
    expect(solve).not.toHaveBeenCalled();
    expect(working).not.toHaveBeenCalled();
  });

  it("passes on a failure to ask, the instance's refusal", async () => {
    const solve = jest.fn();
    const ask = () => Promise.reject(new Error('join-work: HTTP 404'));
    await expect(askAndSolveJoinWork(joining, ask, solve)).rejects.toThrow('HTTP 404');
    expect(solve).not.toHaveBeenCalled();
  });
});
