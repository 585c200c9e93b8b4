import { failureAnswer } from './prover-core';
import { proverFetch, readBody } from './prover-fetch';

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

  it('says NETWORK when a download is cut mid-way (a circuit file), not that the prover stopped', async () => {
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.error(new TypeError('terminated'));
      },
    });
    global.fetch = jest.fn(() => Promise.resolve(new Response(cut)));
    const url = '/widget/artifacts/4.13.0/semaphore-20.zkey';
    const response = await proverFetch(url);
    const error = await readBody(url, response.arrayBuffer()).catch((e: unknown) => e);
    expect(failureAnswer(1, error)).toMatchObject({ ok: false, code: 'NETWORK' });
  });

  it('keeps a body that is no JSON a SyntaxError, and reads a whole one', async () => {
    global.fetch = jest.fn(() => Promise.resolve(new Response('<html>')));
    const error = await readBody('/g', (await proverFetch('/g')).json()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SyntaxError' });
    global.fetch = jest.fn(() => Promise.resolve(new Response('{"leaves":[]}')));
    await expect(readBody('/g', (await proverFetch('/g')).json())).resolves.toEqual({ leaves: [] });
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
