import { failureMessage } from './failure';
import { circuitFiles, getCommunity, instanceClock } from './instance';

describe('the circuit files a proof downloads', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('are fetched without cookies or a referrer, as every other call to the instance', async () => {
    const inits: RequestInit[] = [];
    global.fetch = jest.fn((_url: RequestInfo | URL, init?: RequestInit) => {
      inits.push(init ?? {});
      return Promise.resolve(new Response('not the pinned file'));
    });
    // Refused as not the pinned files: what matters here is how they were asked for.
    await circuitFiles('https://notes.example.org').catch(() => undefined);
    expect(inits).toHaveLength(2);
    for (const init of inits) {
      expect(init).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer' });
    }
  });

  it('say a 5xx as the service being busy, and a download cut mid-way as the network', async () => {
    global.fetch = jest.fn(() => Promise.resolve(new Response('Bad gateway', { status: 502 })));
    const busy = await circuitFiles('https://notes.example.org').catch((e: unknown) => e);
    expect(busy).toMatchObject({ status: 502, code: 'HTTP_ERROR' });
    expect(failureMessage(busy)).toMatch(/^The service is busy or restarting\./);

    global.fetch = jest.fn(() =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new Uint8Array([1, 2, 3]));
              controller.error(new TypeError('terminated'));
            },
          }),
        ),
      ),
    );
    const cut = await circuitFiles('https://notes.example.org').catch((e: unknown) => e);
    expect(cut).toMatchObject({ status: 0, code: 'NETWORK' });
  });
});

describe("an instance's clock", () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('is learnt from its answers, one per instance, for the minutes a write proves', async () => {
    // This device is 7 minutes ahead of the instance.
    const instanceTime = Date.now() - 7 * 60_000;
    global.fetch = jest.fn(() =>
      Promise.resolve(
        new Response('{"slug":"demo"}', {
          headers: { Date: new Date(instanceTime).toUTCString(), 'Cache-Control': 'no-store' },
        }),
      ),
    );
    await getCommunity('https://clock.example.org', 'demo');
    const skew = instanceClock('https://clock.example.org/').now() - instanceTime;
    expect(Math.abs(skew)).toBeLessThan(60_000);
    // Another instance, never heard from: the device's own clock.
    expect(Math.abs(instanceClock('https://other.example.org').now() - Date.now())).toBeLessThan(
      60_000,
    );
  });
});
