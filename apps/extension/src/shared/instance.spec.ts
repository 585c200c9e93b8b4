import { circuitFiles } from './instance';

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
});
