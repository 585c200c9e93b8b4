import { fetchJson, fetchNdjson, type ResponseLimits } from './origin-read';

/** A fetch answering with `chunks`, each arriving as one read of the body, as a socket gives them. */
const answering =
  (chunks: string[], init: ResponseInit = {}): typeof fetch =>
  async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[pulled++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    return new Response(body, init);
  };

const limits = (maxRecordBytes: number, maxResponseBytes = 1_024): Partial<ResponseLimits> => ({
  maxRecordBytes,
  maxResponseBytes,
});
const page = (chunks: string[], maxRecordBytes: number, maxRecords = 10) =>
  fetchNdjson(
    'http://origin/x',
    { fetcher: answering(chunks), limits: limits(maxRecordBytes) },
    maxRecords,
  );

describe('reading an origin within limits', () => {
  // '{"a":1}' is 7 bytes.
  it('takes lines of exactly the limit, however the chunks split them', async () => {
    const chunks = ['{"a":1', '}\n{"b"', ':2}\n', '{"c":3}'];
    expect(await page(chunks, 7)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('refuses a line one byte over, wherever it is', async () => {
    await expect(page(['{"a":1', '}\n'], 6)).rejects.toMatchObject({
      code: 'ORIGIN_RECORD_TOO_LARGE',
      message: 'GET http://origin/x: line 1 is over 6 bytes',
    });
    await expect(page(['{"a":1}\n{"bb":2}\n{"c":3}\n'], 7)).rejects.toThrow('line 2 is over 7');
    await expect(page(['{"a":1}\n{"b":2', '2}'], 7)).rejects.toThrow('line 2 is over 7');
  });

  it('refuses a response over its limit, and a page larger than asked for', async () => {
    const lines = Array.from({ length: 200 }, (_, n) => `{"n":${n}}\n`);
    await expect(page(lines, 100, 1_000)).rejects.toMatchObject({
      code: 'ORIGIN_RESPONSE_TOO_LARGE',
      message: 'GET http://origin/x: the response is over 1024 bytes',
    });
    await expect(page(lines.slice(0, 3), 100, 2)).rejects.toMatchObject({
      code: 'ORIGIN_INVALID',
      message: 'GET http://origin/x: more than the 2 records asked for',
    });
  });

  it('refuses a body announced over the limit before reading it', async () => {
    const fetcher = answering([], { headers: { 'Content-Length': '5000' } });
    await expect(
      fetchNdjson('http://origin/x', { fetcher, limits: limits(100) }, 10),
    ).rejects.toMatchObject({ code: 'ORIGIN_RESPONSE_TOO_LARGE' });
  });

  it('holds a JSON document to the record limit, newlines and all', async () => {
    const read = (chunks: string[]) =>
      fetchJson('http://origin/m', { fetcher: answering(chunks), limits: limits(12) });
    expect(await read(['{\n  "a": 1', '\n}'])).toEqual({ a: 1 });
    await expect(read(['{\n  "a": 1', '0\n}'])).rejects.toMatchObject({
      code: 'ORIGIN_RECORD_TOO_LARGE',
      message: 'GET http://origin/m: the JSON document is over 12 bytes',
    });
    await expect(read(['{"a"'])).rejects.toMatchObject({ code: 'ORIGIN_INVALID' });
  });

  it('says an origin answered an error by its status, and its Bridgenotes error code only', async () => {
    const failing = (chunks: string[]) =>
      fetchJson('http://origin/m', {
        fetcher: answering(chunks, { status: 404 }),
        limits: limits(100),
      });
    const plain = failing(['no such community', 'x'.repeat(10_000)]);
    await expect(plain).rejects.toMatchObject({ code: 'ORIGIN_UNREACHABLE' });
    await expect(plain).rejects.toThrow(/^GET http:\/\/origin\/m: answered 404$/);
    await expect(
      failing(['{"code":"COMMUNITY_NOT_FOUND",', '"message":"no such community"}']),
    ).rejects.toThrow(/^GET http:\/\/origin\/m: answered 404 \(COMMUNITY_NOT_FOUND\)$/);
    for (const body of ['{"code":"not-a-code"}', `{"code":"${'A'.repeat(65)}"}`, '{"code":1}']) {
      await expect(failing([body])).rejects.toThrow(/^GET http:\/\/origin\/m: answered 404$/);
    }
  });

  it('follows no redirect: it is an invalid answer, whatever it points at', async () => {
    const asked: (RequestInit | undefined)[] = [];
    const redirecting: typeof fetch = async (input, init) => {
      asked.push(init);
      return new Response('SECRET', {
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      });
    };
    const failed = fetchNdjson('http://origin/x', { fetcher: redirecting }, 10);
    await expect(failed).rejects.toMatchObject({
      code: 'ORIGIN_INVALID',
      message:
        'GET http://origin/x: answered a redirect (302), which is not followed: give the URL the export is served at',
    });
    expect(asked).toEqual([expect.objectContaining({ redirect: 'manual' })]);
  });
});

describe('reading an origin that gives no answer', () => {
  /** A fetch failing as undici's does: "fetch failed", the network's error as its cause. */
  const failing =
    (cause: unknown): typeof fetch =>
    async () => {
      throw new TypeError('fetch failed', { cause });
    };
  const networkError = (message: string, fields: Record<string, unknown>) =>
    Object.assign(new Error(message), fields);
  const read = (fetcher: typeof fetch) => fetchJson('https://origin.example/m', { fetcher });

  it("says why by the network error's code, never by its text, which names addresses", async () => {
    const cases: [unknown, string][] = [
      [
        networkError('connect ECONNREFUSED 203.0.113.5:443', {
          code: 'ECONNREFUSED',
          address: '203.0.113.5',
          port: 443,
        }),
        'the origin refused the connection (ECONNREFUSED)',
      ],
      [
        networkError('getaddrinfo ENOTFOUND origin.internal.example', {
          code: 'ENOTFOUND',
          hostname: 'origin.internal.example',
        }),
        "the origin's name did not resolve (ENOTFOUND)",
      ],
      [
        networkError(
          'Connect Timeout Error (attempted address: 203.0.113.5:443, timeout: 10000ms)',
          {
            code: 'UND_ERR_CONNECT_TIMEOUT',
          },
        ),
        'the connection to the origin timed out (UND_ERR_CONNECT_TIMEOUT)',
      ],
      [
        networkError(
          "Hostname/IP does not match certificate's altnames: IP: 10.0.0.7 is not in the cert's list",
          {
            code: 'ERR_TLS_CERT_ALTNAME_INVALID',
          },
        ),
        "the origin's TLS certificate was not accepted (ERR_TLS_CERT_ALTNAME_INVALID)",
      ],
      [
        networkError('connect EWHATEVER 10.0.0.7:443 - Local (192.168.1.20:51234)', {
          code: 'EWHATEVER',
        }),
        'the connection to the origin failed (EWHATEVER)',
      ],
      [
        networkError('connect to 10.0.0.7:443 failed', { code: 'connect to 10.0.0.7 failed' }),
        'the connection to the origin failed',
      ],
      [new Error('socket 10.0.0.7:443 hung up'), 'the connection to the origin failed'],
      [undefined, 'the connection to the origin failed'],
    ];
    for (const [cause, why] of cases) {
      const failed = read(failing(cause));
      await expect(failed).rejects.toMatchObject({ code: 'ORIGIN_UNREACHABLE' });
      await expect(failed).rejects.toThrow(
        new RegExp(`^GET https://origin\\.example/m failed: ${why.replace(/[()]/g, '\\$&')}$`),
      );
    }
  });

  it('says so of an answer cut off while read, by the code of what cut it', async () => {
    const cut: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.error(
              new TypeError('terminated', {
                cause: networkError('other side closed (203.0.113.5:443)', {
                  code: 'UND_ERR_SOCKET',
                }),
              }),
            );
          },
        }),
      );
    await expect(read(cut)).rejects.toThrow(
      /^GET https:\/\/origin\.example\/m failed: the origin closed the connection \(UND_ERR_SOCKET\)$/,
    );
  });
});
