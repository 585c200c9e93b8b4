import {
  PENDING_JOIN_MIN_WAIT_SECONDS,
  pendingJoinLimitSeconds,
  pendingJoinOverdue,
  pendingJoinResendable,
  pendingJoinSealHours,
} from './pending-join';

const HOUR = 60 * 60;
const sealing = (maxWaitSeconds: number | null) => ({ sealing: { maxWaitSeconds } });

describe('how long a pending join is waited for', () => {
  it('never gives it up where the instance seals by K members only', () => {
    expect(pendingJoinLimitSeconds(sealing(null))).toBeNull();
    expect(pendingJoinOverdue(365 * 24 * HOUR, sealing(null))).toBe(false);
  });

  it('waits four times a long seal wait: 48 h for 12 h', () => {
    expect(pendingJoinLimitSeconds(sealing(12 * HOUR))).toBe(48 * HOUR);
    expect(pendingJoinOverdue(48 * HOUR - 60, sealing(12 * HOUR))).toBe(false);
    expect(pendingJoinOverdue(48 * HOUR + 60, sealing(12 * HOUR))).toBe(true);
  });

  it('waits a day at least: for the default 6 h, a short wait, or joins sealed at once', () => {
    for (const wait of [6 * HOUR, 10 * 60, 0]) {
      expect(pendingJoinLimitSeconds(sealing(wait))).toBe(PENDING_JOIN_MIN_WAIT_SECONDS);
    }
    expect(PENDING_JOIN_MIN_WAIT_SECONDS).toBe(24 * HOUR);
  });

  it('waits a day for an instance that does not say (an older API), or says no number', () => {
    for (const community of [
      {},
      { sealing: null },
      { sealing: {} },
      { sealing: { maxWaitSeconds: '43200' } },
      { sealing: { maxWaitSeconds: -1 } },
      { sealing: { maxWaitSeconds: Number.POSITIVE_INFINITY } },
    ]) {
      const answer = community as Parameters<typeof pendingJoinLimitSeconds>[0];
      expect(pendingJoinLimitSeconds(answer)).toBe(24 * HOUR);
      expect(pendingJoinOverdue(24 * HOUR - 60, answer)).toBe(false);
      expect(pendingJoinOverdue(24 * HOUR + 60, answer)).toBe(true);
    }
  });
});

describe('sending a pending join again', () => {
  it('is offered once it waited a day, whatever the seal wait, and never before', () => {
    expect(pendingJoinResendable(0)).toBe(false);
    expect(pendingJoinResendable(24 * HOUR - 60)).toBe(false);
    expect(pendingJoinResendable(24 * HOUR)).toBe(false);
    expect(pendingJoinResendable(24 * HOUR + 60)).toBe(true);
    // With no time bound the join is never overdue: sending it again is the only way out.
    expect(pendingJoinOverdue(365 * 24 * HOUR, sealing(null))).toBe(false);
    expect(pendingJoinResendable(365 * 24 * HOUR)).toBe(true);
  });
});

describe('the seal wait a pending join is told', () => {
  it('is none where the instance seals by K members only, so that no time is promised', () => {
    expect(pendingJoinSealHours(sealing(null))).toBeNull();
  });

  it("is the longest wait in hours, rounded up (a window's minutes aside), at least 1", () => {
    // The default 6 h, published in whole windows plus one.
    expect(pendingJoinSealHours(sealing(6 * HOUR + 2 * 60))).toBe(6);
    expect(pendingJoinSealHours(sealing(90 * 60))).toBe(2);
    expect(pendingJoinSealHours(sealing(10 * 60))).toBe(1);
    // Never shorter than the wait it promises.
    expect(pendingJoinSealHours(sealing(HOUR + 29 * 60))).toBe(2);
    expect(pendingJoinSealHours(sealing(2 * HOUR + 29 * 60))).toBe(3);
    expect(pendingJoinSealHours(sealing(0))).toBe(1);
  });

  it('is not said where the instance does not say one (an older API), or says no number', () => {
    for (const community of [{}, { sealing: null }, { sealing: { maxWaitSeconds: '60' } }]) {
      expect(pendingJoinSealHours(community as Parameters<typeof pendingJoinSealHours>[0])).toBe(
        undefined,
      );
    }
  });
});
