import { circuitFiles, groupLeaves, InstanceError } from './instance';
import { failureMessage } from './failure';
import type { Follow } from './storage';
import { t } from './strings';

const follow: Follow = {
  instance: 'https://notes.example.org',
  slug: 'city-news',
  id: 'id-city-news',
  name: 'City News',
  scope: '42',
  admission: 'OPEN',
};

describe('what a failed action tells the member', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('says to check the connection when the instance was never reached (offline)', async () => {
    global.fetch = jest.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const group = await groupLeaves(follow).catch((e: unknown) => e);
    expect(group).toMatchObject({ code: 'NETWORK' });
    expect(failureMessage(group)).toContain(t('failNetwork'));
    const files = await circuitFiles(follow.instance).catch((e: unknown) => e);
    expect(failureMessage(files)).toContain(t('failNetwork'));
  });

  it('says how long to wait when the instance answered 429 with Retry-After', async () => {
    global.fetch = jest.fn(() =>
      Promise.resolve(new Response('{}', { status: 429, headers: { 'Retry-After': '30' } })),
    );
    const group = await groupLeaves(follow).catch((e: unknown) => e);
    expect(failureMessage(group)).toContain(t('failRateLimitedWait', { seconds: 30 }));
    const files = await circuitFiles(follow.instance).catch((e: unknown) => e);
    expect(failureMessage(files)).toContain(t('failRateLimitedWait', { seconds: 30 }));
  });

  it('says one second in the singular', () => {
    const limited = new InstanceError(429, 'RATE_LIMITED', 'slow down', { retryAfter: 1 });
    expect(failureMessage(limited)).toBe(
      'Too many requests from this connection just now. Wait 1 second and try again. (code RATE_LIMITED)',
    );
  });

  it('says to wait a minute on a 429 without Retry-After, and keeps the code of any other refusal', () => {
    expect(failureMessage(new InstanceError(429, 'TOO_MANY_REQUESTS', 'slow down'))).toContain(
      t('failRateLimited'),
    );
    const other = failureMessage(new InstanceError(409, 'SELF_RATING', 'own note'));
    expect(other).toBe(t('failed', { message: 'SELF_RATING: own note' }));
    expect(failureMessage(new Error('boom'))).toBe(t('failed', { message: 'boom' }));
  });

  it("keeps the instance's own code of a 429 that is not a wait (a daily quota)", async () => {
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
      t('failed', { message: 'DAILY_QUOTA_EXCEEDED: At most 10 notes a day' }),
    );
  });
});
