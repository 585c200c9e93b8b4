import { circuitFiles, groupLeaves, InstanceError, lookUp } from './instance';
import { failureMessage } from './failure';
import { lookUpPage } from './page-notes';
import type { Follow } from './storage';
import { load, localhostFor, reachableInstance } from './storage';

jest.mock('./storage', () => ({ ...jest.requireActual('./storage'), load: jest.fn() }));

const follow: Follow = {
  instance: 'https://notes.example.org',
  slug: 'city-news',
  id: 'id-city-news',
  name: 'City News',
  scope: '42',
  admission: 'OPEN',
};

const NETWORK =
  'The service could not be reached. Check your connection and try again. (code NETWORK)';

describe('what a failed action tells the member', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('says to check the connection when the instance was never reached (offline)', async () => {
    global.fetch = jest.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const group = await groupLeaves(follow).catch((e: unknown) => e);
    expect(group).toMatchObject({ code: 'NETWORK' });
    expect(failureMessage(group)).toBe(NETWORK);
    const files = await circuitFiles(follow.instance).catch((e: unknown) => e);
    expect(failureMessage(files)).toBe(NETWORK);
  });

  it('says how long to wait when the instance answered 429 with Retry-After', async () => {
    global.fetch = jest.fn(() =>
      Promise.resolve(new Response('{}', { status: 429, headers: { 'Retry-After': '30' } })),
    );
    const waitThirty =
      'Too many requests from this connection just now. Wait 30 seconds and try again. (code RATE_LIMITED)';
    const group = await groupLeaves(follow).catch((e: unknown) => e);
    expect(failureMessage(group)).toBe(waitThirty);
    const files = await circuitFiles(follow.instance).catch((e: unknown) => e);
    expect(failureMessage(files)).toBe(waitThirty);
  });

  it('says one second in the singular', () => {
    const limited = new InstanceError(429, 'RATE_LIMITED', 'slow down', { retryAfter: 1 });
    expect(failureMessage(limited)).toBe(
      'Too many requests from this connection just now. Wait 1 second and try again. (code RATE_LIMITED)',
    );
  });

  it("says each refusal in the widget's sentence with its code, never the API's code and message", () => {
    expect(failureMessage(new InstanceError(429, 'TOO_MANY_REQUESTS', 'slow down'))).toBe(
      'Too many requests from this connection just now. Wait a minute and try again. (code TOO_MANY_REQUESTS)',
    );
    expect(failureMessage(new InstanceError(409, 'SELF_RATING', 'own note'))).toBe(
      'You wrote this note: others rate it. (code SELF_RATING)',
    );
    // A code the widget has no sentence for: the instance's message quoted (it says what to
    // change), the generic sentence when it has none, the server's when it is 5xx.
    expect(failureMessage(new InstanceError(400, 'SOMETHING_NEW', 'raw detail'))).toBe(
      'The service refused it: “raw detail” (code SOMETHING_NEW)',
    );
    expect(failureMessage(new InstanceError(400, 'SOMETHING_NEW', ''))).toBe(
      'Something went wrong. Try again later. (code SOMETHING_NEW)',
    );
    expect(failureMessage(new InstanceError(503, 'HTTP_ERROR', 'error'))).toBe(
      'The service is busy or restarting. Try again in a moment. (code HTTP_ERROR)',
    );
    // The click-jacking guard's refusal.
    expect(failureMessage(new InstanceError(0, 'PANEL_HIDDEN', 'PANEL_HIDDEN'))).toMatch(
      /^Nothing was sent: this page hides or covers the notes panel.*\(code PANEL_HIDDEN\)$/,
    );
    // The extension's own sentences (a kept identity) are said as they are.
    expect(failureMessage(new Error('Another identity is kept.'))).toBe(
      'That did not work: Another identity is kept.',
    );
  });

  it("says a daily quota in the widget's words, not the instance's message", async () => {
    const quota = {
      code: 'DAILY_QUOTA_EXCEEDED',
      message: 'At most 10 notes a day',
      details: { limit: 10 },
    };
    global.fetch = jest.fn(() =>
      Promise.resolve(new Response(JSON.stringify(quota), { status: 429 })),
    );
    const group = await groupLeaves(follow).catch((e: unknown) => e);
    expect(group).toMatchObject({ status: 429, code: 'DAILY_QUOTA_EXCEEDED' });
    expect(failureMessage(group)).toBe(
      'You have reached today’s limit in this community. It starts again at 00:00 UTC. (code DAILY_QUOTA_EXCEEDED)',
    );
  });

  it('says how many members a community needs before anyone can write, from the refusal', async () => {
    const tooSmall = {
      code: 'PROOF_ROOT_TOO_SMALL',
      message: 'This community needs 20 members before anyone can write…',
      details: { required: 20, members: 4 },
    };
    global.fetch = jest.fn(() =>
      Promise.resolve(new Response(JSON.stringify(tooSmall), { status: 403 })),
    );
    const refused = await groupLeaves(follow).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, code: 'PROOF_ROOT_TOO_SMALL' });
    expect(failureMessage(refused)).toBe(
      'This community needs 20 members before anyone can write, rate or invite here, so that no one is hidden among too few; it has 4. Try again once more members have joined. (code PROOF_ROOT_TOO_SMALL)',
    );
  });
});

describe('what the panel says of a community whose notes could not be loaded', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });
  const page = { url: 'https://x.com/CityNews/status/1861092427542737157', canonical: null };

  it('says an answer that is no lookup bucket as such, not as a TypeError', async () => {
    global.fetch = jest.fn(() => Promise.resolve(new Response('{"hello":"world"}')));
    const key = { platform: 'x', externalId: '1861092427542737157' };
    await expect(lookUp(follow, key)).rejects.toMatchObject({ code: 'NOT_A_LOOKUP' });
    (load as jest.Mock).mockResolvedValue({ follows: [follow] });
    const [result] = await lookUpPage(page);
    expect(result).toEqual({
      ok: false,
      follow,
      error: 'Something went wrong. Try again later. (code NOT_A_LOOKUP)',
    });
  });

  it('says a refusal in a sentence, not its bare code', async () => {
    global.fetch = jest.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    (load as jest.Mock).mockResolvedValue({ follows: [follow] });
    const [result] = await lookUpPage(page);
    expect(result).toEqual({ ok: false, follow, error: NETWORK });
  });
});

describe('what is said of a community followed at an address the extension no longer reaches', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });
  // Followed when the settings still took http://[::1]:port; the manifest no longer covers it.
  const earlier: Follow = { ...follow, instance: 'http://[::1]:3000' };
  const page = { url: 'https://x.com/CityNews/status/1861092427542737157', canonical: null };
  const UNSUPPORTED =
    'The extension no longer supports the address [::1]:3000: follow this community at http://localhost:3000 in the settings, then leave this one. (code INSTANCE_UNSUPPORTED)';

  it('says where to follow it instead, not that the service could not be reached, and sends nothing', async () => {
    // What the browser does with a request its permissions do not cover: a network failure.
    global.fetch = jest.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    (load as jest.Mock).mockResolvedValue({ follows: [earlier, follow] });
    const [result, other] = await lookUpPage(page);
    expect(result).toEqual({ ok: false, follow: earlier, error: UNSUPPORTED });
    // A community the extension reaches is still said offline as such.
    expect(other).toEqual({ ok: false, follow, error: NETWORK });
    const group = await groupLeaves(earlier).catch((e: unknown) => e);
    expect(group).toMatchObject({ code: 'INSTANCE_UNSUPPORTED' });
    expect(failureMessage(group)).toBe(UNSUPPORTED);
    const files = await circuitFiles(earlier.instance).catch((e: unknown) => e);
    expect(failureMessage(files)).toBe(UNSUPPORTED);
    expect((global.fetch as jest.Mock).mock.calls.map(([url]) => new URL(url).host)).toEqual([
      'notes.example.org',
    ]);
  });

  it('knows such an address, and the one it can be followed at', () => {
    expect(reachableInstance('http://[::1]:3000')).toBe(false);
    expect(localhostFor('http://[::1]:3000')).toBe('http://localhost:3000');
    expect(localhostFor('http://[::1]')).toBe('http://localhost');
    for (const instance of ['https://notes.example.org', 'http://localhost:3000']) {
      expect(reachableInstance(instance)).toBe(true);
    }
  });
});
