import { answerMessage } from './background-messages';
import { getCommunity } from './shared/instance';
import { settleFollowed } from './shared/membership';
import { lookUpPage } from './shared/page-notes';
import { panelTokenValid } from './shared/panel-tokens';
import { saveRating } from './shared/storage';

const ROOT = 'chrome-extension://abcdefghijklmnop/';

jest.mock('./shared/extension-api', () => ({
  ext: {
    runtime: { getURL: (path: string) => `chrome-extension://abcdefghijklmnop/${path}` },
    tabs: { create: jest.fn(async () => ({})), sendMessage: jest.fn() },
    storage: { local: { get: jest.fn(async () => ({})), set: jest.fn(async () => undefined) } },
  },
}));
jest.mock('./shared/instance', () => ({
  ...jest.requireActual('./shared/instance'),
  getCommunity: jest.fn(),
}));
jest.mock('./shared/storage', () => ({
  ...jest.requireActual('./shared/storage'),
  saveRating: jest.fn(async () => undefined),
}));
jest.mock('./shared/membership', () => ({
  ...jest.requireActual('./shared/membership'),
  settleFollowed: jest.fn(async () => 'sealed'),
}));
jest.mock('./shared/page-notes', () => ({
  lookUpPage: jest.fn(async () => []),
  countPageNotes: jest.fn(async () => ({ helpful: 1, toRate: 0 })),
}));
jest.mock('./shared/panel-tokens', () => ({
  issuePanelToken: jest.fn(async () => 'token'),
  panelTokenValid: jest.fn(async () => true),
}));

/** The panel's messages, each with the function that acts on it. */
const PANEL_MESSAGES: [string, unknown, () => unknown][] = [
  [
    'save-rating',
    { type: 'save-rating', noteId: 'n1', helpfulness: 'HELPFUL', clientMinute: 29_000_000 },
    () => saveRating,
  ],
  [
    'settle-membership',
    { type: 'settle-membership', instance: 'https://notes.example.org', slug: 'city' },
    () => settleFollowed,
  ],
  [
    'lookup-notes',
    { type: 'lookup-notes', page: { url: 'https://x.com/a/status/1', canonical: null } },
    () => lookUpPage,
  ],
  ['panel-check', { type: 'panel-check', token: 'token' }, () => panelTokenValid],
];

/** What `message` gets from `sender`: its answer, or undefined when it is not answered. */
async function answer(message: unknown, sender: { url?: string; tab?: { id?: number } }) {
  let respond: (value: unknown) => void = () => undefined;
  const answered = new Promise((resolve) => (respond = resolve));
  const kept = answerMessage(message, sender, respond);
  return kept === true ? answered : undefined;
}

beforeEach(() => jest.clearAllMocks());

describe('the background refuses the panel’s messages from anyone but the extension’s pages', () => {
  it.each(PANEL_MESSAGES)(
    '%s from a content script (a page’s address) is not acted on',
    async (_, message, acting) => {
      const sender = { url: 'https://x.com/a/status/1', tab: { id: 7 } };
      expect(await answer(message, sender)).toBeUndefined();
      expect(acting()).not.toHaveBeenCalled();
    },
  );

  it.each(PANEL_MESSAGES)(
    '%s from a sender without an address is not acted on',
    async (_, message, acting) => {
      expect(await answer(message, { tab: { id: 7 } })).toBeUndefined();
      expect(acting()).not.toHaveBeenCalled();
    },
  );

  it.each(PANEL_MESSAGES)('%s from the panel is answered', async (_, message, acting) => {
    const sender = { url: `${ROOT}panel.html#{}`, tab: { id: 7 } };
    expect(await answer(message, sender)).not.toBeUndefined();
    expect(acting()).toHaveBeenCalledTimes(1);
  });

  it('does not take an address that only begins like the extension’s for one of its pages', async () => {
    const sender = { url: 'chrome-extension://abcdefghijklmnopq/panel.html', tab: { id: 7 } };
    expect(await answer(PANEL_MESSAGES[0][1], sender)).toBeUndefined();
    expect(saveRating).not.toHaveBeenCalled();
  });

  it('answers the content script’s own messages (its lookup, its panel token)', async () => {
    const sender = { url: 'https://x.com/a/status/1', tab: { id: 7 } };
    const page = { url: 'https://x.com/a/status/1', canonical: null };
    expect(await answer({ type: 'lookup', page }, sender)).toEqual({ helpful: 1, toRate: 0 });
    expect(await answer({ type: 'panel-token' }, sender)).toBe('token');
  });

  it('follows nothing on any message: a follow from a page is not answered', async () => {
    const sender = { url: `${ROOT}panel.html`, tab: { id: 7 } };
    const href = 'https://notes.example.org/communities/city';
    expect(await answer({ type: 'follow', href }, sender)).toBeUndefined();
  });
});

describe('a listing’s offer tells the page nothing of what the reader follows', () => {
  const href = 'https://notes.example.org/communities/city';
  const page = { url: 'https://tracker.example/a', tab: { id: 7 } };
  const follow = {
    instance: 'https://notes.example.org',
    slug: 'city',
    id: 'c1',
    name: 'City News',
    scope: { hosts: ['x.com'] },
    admission: 'OPEN',
    sealing: null,
  };

  beforeEach(() => {
    jest.mocked(getCommunity).mockResolvedValue({
      slug: 'city',
      name: 'City News',
    } as Awaited<ReturnType<typeof getCommunity>>);
  });

  /** The offer's answer to a content script, with the reader's follows `follows`. */
  async function offered(follows: unknown[]) {
    const { ext } = jest.requireMock('./shared/extension-api');
    jest.mocked(ext.storage.local.get).mockResolvedValue({ follows });
    return answer({ type: 'offer', href }, page);
  }

  it('answers alike whether or not the community is followed (the page sees the offer either way)', async () => {
    const unfollowed = await offered([]);
    expect(unfollowed).toEqual({ name: 'City News', host: 'notes.example.org', href });
    expect(await offered([follow])).toEqual(unfollowed);
  });

  it('asks the instance for the community whether or not it is followed (no quicker answer)', async () => {
    await offered([]);
    await offered([follow]);
    expect(getCommunity).toHaveBeenCalledTimes(2);
  });
});
