// A look in the published group records what it finds for the membership it looked for, and only
// for that one; a join never sealed is given up once it waited longer than the instance may keep
// it for its batch (four times its seal wait, a day at least), and never where it has no bound.
import type { CommunityResponse } from '@bridgenotes/protocol';

import type { FrameContext } from './context';

const leaves: string[][] = [];
let download: () => void = () => undefined;
/** The joins sent (path and body), and what the API answers the next one. */
const joins: [string, unknown][] = [];
let joinAnswer: () => unknown = () => ({ pending: true });
jest.mock('./api', () => ({
  ...jest.requireActual<object>('./api'),
  api: async (path: string, init?: { body?: unknown }) => {
    if (path.endsWith('/members')) {
      joins.push([path, init?.body]);
      return joinAnswer();
    }
    return new Promise((resolve) => {
      download = () => resolve({ leaves: leaves.shift() ?? [] });
    });
  },
}));
// The kept identity's commitment is 111 (the prover's answer for backup-a).
jest.mock('./prover-client', () => ({
  prover: async ({ type }: { type: string }) =>
    type === 'commitment' ? { commitment: '111' } : { pseudonym: 'pseudonym-111' },
}));
// No proof-of-work asked (join-work.ts has its own spec).
jest.mock('./join-work', () => ({ joinWorkFields: async () => ({}) }));
// Shown to the member: the guard needs a browser (apps/api-e2e's widget-click-guard spec).
jest.mock('./visibility-guard', () => ({ confirmShown: async () => undefined }));

import { RequestError } from './api';
import { t, useLocale } from './i18n';
import { lookAgain, notInGroupText, pendingText, sendJoin } from './membership';
import { MemberStore } from './member-store';

const HOUR = 60 * 60;
let slugs = 0;
/** A frame over a community whose instance answered `sealing` (none: an older API). */
function contextOf(
  sealing?: CommunityResponse['sealing'],
  admission: CommunityResponse['admission'] = 'OPEN',
): FrameContext {
  const slug = `town-${++slugs}`;
  const community = { admission, ...(sealing === undefined ? {} : { sealing }) };
  return { slug, community, store: new MemberStore(slug) } as unknown as FrameContext;
}
/** Looks for `commitment`, the group answering `found` once `meanwhile` has run. */
async function look(
  context: FrameContext,
  commitment: string,
  found: string[],
  meanwhile?: () => void,
) {
  leaves.push(found);
  const looked = lookAgain(context, commitment);
  meanwhile?.();
  download();
  return looked;
}

/** A pending join of 111 (the identity backup-a's) in `context`, with the clock at `seconds` after it. */
function pendingJoin(context: FrameContext) {
  context.store.keepIdentity('backup-a', '111');
  context.store.joined('111', true);
  const now = Date.now();
  return (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
}

describe('a look in the published group', () => {
  afterEach(() => jest.restoreAllMocks());

  it('records nothing when another identity is kept by the time the group arrives', async () => {
    const context = contextOf();
    const { store } = context;
    store.keepIdentity('backup-a', '111');
    store.joined('111', true);
    const looked = await look(context, '111', ['222'], () => {
      store.keepIdentity('backup-b', '222');
      store.joined('222', true);
    });
    expect([looked, store.memberCommitment, store.pending]).toEqual(['moved', '222', true]);
  });

  it('records nothing when the membership it looked for changed meanwhile', async () => {
    const context = contextOf();
    const { store } = context;
    store.keepIdentity('backup-a', '111');
    store.joined('111');
    store.absent();
    const looked = await look(context, '111', ['111'], () => store.refused('111'));
    expect([looked, store.isMember, store.membershipEnded]).toEqual(['moved', false, true]);
  });

  it('gives a join never sealed up as absent past a day where the API does not say its seal wait', async () => {
    const context = contextOf();
    const { store } = context;
    const at = pendingJoin(context);
    at(24 * HOUR - 60);
    expect(await look(context, '111', [])).toBe('missing');
    at(24 * HOUR + 60);
    expect(await look(context, '111', [])).toBe('absent');
    expect([store.isMember, store.absentCommitment, store.membershipEnded]).toEqual([
      false,
      '111',
      false,
    ]);
  });

  it('waits four times a seal wait of 12 h, 48 h, before giving a join up as absent', async () => {
    const context = contextOf({ maxWaitSeconds: 12 * HOUR });
    const at = pendingJoin(context);
    at(48 * HOUR - 60);
    expect(await look(context, '111', [])).toBe('missing');
    expect(context.store.pending).toBe(true);
    at(48 * HOUR + 60);
    expect(await look(context, '111', [])).toBe('absent');
  });

  it('never gives a join up as absent where the instance waits for K members however long', async () => {
    const context = contextOf({ maxWaitSeconds: null });
    const at = pendingJoin(context);
    at(365 * 24 * HOUR);
    expect(await look(context, '111', [])).toBe('missing');
    expect([context.store.pending, context.store.absentCommitment]).toEqual([true, null]);
  });

  it('seals a pending join found in the group', async () => {
    const context = contextOf();
    context.store.keepIdentity('backup-a', '111');
    context.store.joined('111', true);
    expect(await look(context, '111', ['111'])).toBe('found');
    expect(context.store.canAct).toBe(true);
  });
});

describe('Join again, beside a join pending with no seal time bound', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    joins.length = 0;
    joinAnswer = () => ({ pending: true });
  });

  it('is offered once the join waited a day, still said pending, and sends the same commitment', async () => {
    const context = contextOf({ maxWaitSeconds: null });
    const { store } = context;
    const at = pendingJoin(context);
    at(24 * HOUR - 60);
    expect(await look(context, '111', [])).toBe('missing');
    expect([store.pending, store.pendingResendable]).toEqual([true, false]);
    at(30 * 24 * HOUR);
    expect(await look(context, '111', [])).toBe('missing');
    expect([store.pending, store.pendingResendable]).toEqual([true, true]);
    // Lost by an instance restored from an older backup: taken anew, pending again.
    await expect(sendJoin(context, 'backup-a', '', () => undefined)).resolves.toBe(true);
    expect(joins).toEqual([[`/communities/${context.slug}/members`, { commitment: '111' }]]);
    expect([store.memberCommitment, store.pending, store.pendingResendable]).toEqual([
      '111',
      true,
      false,
    ]);
  });

  it('sends the invite code typed for an INVITE community, and records an end the API answers', async () => {
    const context = contextOf({ maxWaitSeconds: null }, 'INVITE');
    const at = pendingJoin(context);
    at(30 * 24 * HOUR);
    joinAnswer = () => {
      throw new RequestError('MEMBERSHIP_ENDED', 'removed', undefined, 409);
    };
    await expect(sendJoin(context, 'backup-a', 'code-1', () => undefined)).resolves.toBe('ended');
    expect(joins).toEqual([
      [`/communities/${context.slug}/members`, { commitment: '111', inviteCode: 'code-1' }],
    ]);
    expect([context.store.isMember, context.store.membershipEnded]).toEqual([false, true]);
  });

  it('says why beside the pending notice, in each language, with the button’s words', () => {
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    expect(t('joinAgain', { community: 'Town' })).toBe('Join Town again');
    expect(t('pendingJoinAgain')).toMatch(/may still be waiting.*Joining again sends the same/);
    expect(t('pendingJoinAgainInvite')).toMatch(/invite code again/);
    useLocale('fr');
    try {
      expect(t('joinAgain', { community: 'Town' })).toBe('Rejoindre Town à nouveau');
      expect(t('pendingJoinAgain')).toMatch(/attend peut-être encore.*la même identité/);
      expect(t('pendingJoinAgainInvite')).toMatch(/code d’invitation/);
    } finally {
      useLocale('en');
    }
  });
});

describe('the absent notice', () => {
  const of = (admission: CommunityResponse['admission']) =>
    notInGroupText({ name: 'Town', admission } as CommunityResponse);

  it('says check again first, and join again only where the admission lets the member join', () => {
    expect(of('OPEN')).toMatch(/Check again first; still missing, join again,/);
    expect(of('INVITE')).toBe(of('OPEN'));
    expect(of('CREDENTIAL')).toMatch(/join again with your account on this site/);
    expect(of('CLOSED')).not.toMatch(/join/i);
    expect(t('checkAgain', { community: 'Town' })).toBe('Check Town again');
  });

  it('says it in French with the button’s words', () => {
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    useLocale('fr');
    try {
      expect(of('OPEN')).toContain('rejoignez-la à nouveau');
      expect(of('CLOSED')).not.toMatch(/rejoi/);
      expect(t('checkAgain', { community: 'Town' })).toBe('Vérifier Town à nouveau');
    } finally {
      useLocale('en');
    }
  });
});

describe('the pending notice', () => {
  const of = (sealing?: unknown) =>
    pendingText({
      name: 'Town',
      ...(sealing === undefined ? {} : { sealing }),
    } as CommunityResponse);
  const quiet = /a few hours in a quiet community/;

  it('promises no time where the instance seals by K members only', () => {
    expect(of({ maxWaitSeconds: null })).toMatch(
      /^Your membership of Town will be active once it is sealed .* once enough members have joined: this has no set time/,
    );
    expect(of({ maxWaitSeconds: null })).not.toMatch(/minutes|hours?\b/);
  });

  it('says the instance’s longest wait, in hours, where it has one', () => {
    expect(of({ maxWaitSeconds: 6 * HOUR + 120 })).toMatch(
      /at the latest about 6 hours after you joined\./,
    );
    expect(of({ maxWaitSeconds: 20 * 60 })).toMatch(
      /at the latest about an hour after you joined\./,
    );
    expect(of({ maxWaitSeconds: 6 * HOUR })).not.toMatch(quiet);
  });

  it('keeps the general wording where the instance says no wait (an older API)', () => {
    expect(of()).toMatch(quiet);
    expect(of(null)).toBe(of());
  });

  it('says each in French', () => {
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    useLocale('fr');
    try {
      expect(of({ maxWaitSeconds: null })).toMatch(/aucun délai n’est fixé/);
      expect(of({ maxWaitSeconds: 12 * HOUR })).toMatch(
        /au plus tard environ 12 heures après votre adhésion/,
      );
      expect(of({ maxWaitSeconds: 600 })).toMatch(
        /au plus tard environ une heure après votre adhésion/,
      );
    } finally {
      useLocale('en');
    }
  });
});
