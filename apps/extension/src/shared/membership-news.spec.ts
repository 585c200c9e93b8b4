import { membershipNews, NOT_IN_GROUP, notSealedNotice, pendingNotice } from './membership-news';
import { t } from './strings';

describe('membershipNews', () => {
  it('says a Check again that failed, and nothing for a background look that failed', () => {
    expect(membershipNews('pending', undefined, true, 'OPEN')).toBe('failNetwork');
    expect(membershipNews('pending', undefined, false, 'OPEN')).toBeNull();
  });

  it('says an unchanged state only when asked, and another state always', () => {
    expect(membershipNews('pending', 'pending', true, 'OPEN')).toBe('stillPending');
    expect(membershipNews('absent', 'absent', true, 'OPEN')).toBe('stillNotInGroup');
    expect(membershipNews('absent', 'absent', false, 'OPEN')).toBeNull();
    expect(membershipNews('pending', 'sealed', false, 'OPEN')).toBe('joinedNow');
    expect(membershipNews('pending', 'absent', true, 'CLOSED')).toBe('notInGroupClosed');
  });

  it('words the absent notice by admission: check again first, and a join only where one is open', () => {
    const community = { community: 'Town' };
    expect(t(NOT_IN_GROUP.OPEN, community)).toMatch(/Check again first; still missing, join again/);
    expect(t(NOT_IN_GROUP.INVITE, community)).toBe(t(NOT_IN_GROUP.OPEN, community));
    expect(t(NOT_IN_GROUP.CREDENTIAL, community)).toMatch(/join again on the community’s site/);
    expect(t(NOT_IN_GROUP.CLOSED, community)).not.toMatch(/join/i);
    expect(t('checkAgain', community)).toBe('Check Town again');
  });
});

describe('pendingNotice', () => {
  const of = (sealing?: { maxWaitSeconds: number | null } | null) =>
    pendingNotice({ name: 'Town', sealing });
  const quiet = /a few hours in a quiet community/;

  it('promises no time where the instance seals by K members only', () => {
    expect(of({ maxWaitSeconds: null })).toMatch(
      /^Your membership of Town will be active once it is sealed .* once enough members have joined: this has no set time/,
    );
    expect(of({ maxWaitSeconds: null })).not.toMatch(/minutes|hours?\b/);
  });

  it('says the instance’s longest wait, in hours, where it has one', () => {
    expect(of({ maxWaitSeconds: 6 * 3600 + 120 })).toMatch(
      /at the latest about 6 hours after you joined\./,
    );
    expect(of({ maxWaitSeconds: 20 * 60 })).toMatch(
      /at the latest about an hour after you joined\./,
    );
    expect(of({ maxWaitSeconds: 6 * 3600 })).not.toMatch(quiet);
  });

  it('keeps the general wording where the follow keeps no wait (an older API, an earlier version)', () => {
    expect(of(null)).toMatch(quiet);
    expect(of(undefined)).toBe(of(null));
  });
});

describe('notSealedNotice (a proof asked for before the seal)', () => {
  const of = (sealing?: { maxWaitSeconds: number | null } | null) =>
    notSealedNotice({ name: 'Town', sealing });
  const quiet = /up to six hours by default in a quiet one/;

  it('promises no time where the instance seals by K members only', () => {
    expect(of({ maxWaitSeconds: null })).toMatch(
      /^Your membership of Town is not usable yet: .* once enough members have joined; this has no set time/,
    );
    expect(of({ maxWaitSeconds: null })).not.toMatch(/minutes|hours?\b/);
  });

  it('says the instance’s longest wait, in hours, where it has one', () => {
    expect(of({ maxWaitSeconds: 6 * 3600 + 120 })).toMatch(
      /at the latest about 6 hours after you joined\. Nothing was sent/,
    );
    expect(of({ maxWaitSeconds: 20 * 60 })).toMatch(
      /at the latest about an hour after you joined\. Nothing was sent/,
    );
    expect(of({ maxWaitSeconds: 6 * 3600 })).not.toMatch(quiet);
  });

  it('keeps the general wording where the follow keeps no wait (an older API, an earlier version)', () => {
    expect(of(null)).toMatch(quiet);
    expect(of(undefined)).toBe(of(null));
  });
});
