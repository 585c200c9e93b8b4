import { failureAnswer } from './prover-core';
import { proverFetch } from './prover-fetch';

describe("the prover's fetches (the group, the circuit files)", () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('says NETWORK when the request never reached the service (offline)', async () => {
    global.fetch = jest.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await proverFetch('/communities/c/group/leaves').catch((e: unknown) => e);
    expect(failureAnswer(1, error)).toMatchObject({ ok: false, code: 'NETWORK' });
  });

  it('says RATE_LIMITED with the Retry-After seconds when the service answered 429', async () => {
    global.fetch = jest.fn(() =>
      Promise.resolve(new Response('{}', { status: 429, headers: { 'Retry-After': '30' } })),
    );
    const error = await proverFetch('/communities/c/group/leaves').catch((e: unknown) => e);
    expect(failureAnswer(1, error)).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      details: { retryAfter: 30 },
    });
  });
});
