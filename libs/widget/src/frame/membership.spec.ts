// A look in the published group records what it finds for the membership it looked for, and only
// for that one; a join never sealed is given up after PENDING_MAX_WAIT_SECONDS.
import type { CommunityResponse } from '@bridgenotes/protocol';

import type { FrameContext } from './context';

const leaves: string[][] = [];
let download: () => void = () => undefined;
jest.mock('./api', () => ({
  ...jest.requireActual<object>('./api'),
  api: () =>
    new Promise((resolve) => {
      download = () => resolve({ leaves: leaves.shift() ?? [] });
    }),
}));

import { t, useLocale } from './i18n';
import { lookAgain, notInGroupText } from './membership';
import { MemberStore, PENDING_MAX_WAIT_SECONDS } from './member-store';

let slugs = 0;
function contextOf(): FrameContext {
  const slug = `town-${++slugs}`;
  return { slug, store: new MemberStore(slug) } as unknown as FrameContext;
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

  it('gives a join never sealed up as absent past the bound, timed from the join', async () => {
    const context = contextOf();
    const { store } = context;
    store.keepIdentity('backup-a', '111');
    store.joined('111', true);
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    at(PENDING_MAX_WAIT_SECONDS - 60);
    expect(await look(context, '111', [])).toBe('missing');
    at(PENDING_MAX_WAIT_SECONDS + 60);
    expect(await look(context, '111', [])).toBe('absent');
    expect([store.isMember, store.absentCommitment, store.membershipEnded]).toEqual([
      false,
      '111',
      false,
    ]);
  });

  it('seals a pending join found in the group', async () => {
    const context = contextOf();
    context.store.keepIdentity('backup-a', '111');
    context.store.joined('111', true);
    expect(await look(context, '111', ['111'])).toBe('found');
    expect(context.store.canAct).toBe(true);
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
