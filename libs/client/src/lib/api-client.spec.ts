import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApiRequestError, BridgenotesClient } from './api-client';
import type { ProvenAction } from './prove';

/** One request the stub server took: its method, path and body. */
interface Taken {
  method: string;
  path: string;
  body: string;
}

type Answer = (response: ServerResponse) => void;

const html = (status: number): Answer => {
  return (response) => {
    response.writeHead(status, { 'Content-Type': 'text/html' });
    response.end(`<html><body><h1>${status} Bad Gateway</h1></body></html>`);
  };
};

const json = (status: number, body: unknown): Answer => {
  return (response) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
};

/** A server answering its requests with `answers` in turn (the last one from then on). */
async function stub(answers: Answer[]): Promise<{ url: string; taken: Taken[]; server: Server }> {
  const taken: Taken[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      taken.push({
        method: request.method ?? '',
        path: request.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answers[Math.min(taken.length, answers.length) - 1](response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, taken, server };
}

const proven = {
  action: {
    kind: 'note.create',
    payload: { postUrl: 'https://x.com/a/status/1' },
    clientMinute: 7,
  },
  proof: { merkleTreeRoot: '1', nullifier: '2', points: ['3'] },
} as unknown as ProvenAction;

const stored = { id: 'n1' };

describe('BridgenotesClient', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('sends a proven write again, the same body, after a proxy’s 502 page, and takes the next answer', async () => {
    const api = await stub([html(502), json(201, stored)]);
    server = api.server;
    const result = await new BridgenotesClient(api.url).createNote('demo', proven);
    expect(result).toEqual({ body: stored, status: 201 });
    expect(api.taken).toHaveLength(2);
    expect(api.taken[1]).toEqual(api.taken[0]);
    expect(JSON.parse(api.taken[0].body)).toMatchObject({ clientMinute: 7 });
  });

  it('sends it again after a 5xx the API answered (503 in JSON)', async () => {
    const api = await stub([
      json(503, { code: 'UNAVAILABLE', message: 'busy' }),
      json(200, stored),
    ]);
    server = api.server;
    const result = await new BridgenotesClient(api.url).putRating('demo', 'n1', proven);
    expect(result).toEqual({ body: stored, status: 200 });
    expect(api.taken.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'PUT /communities/demo/notes/n1/rating',
      'PUT /communities/demo/notes/n1/rating',
    ]);
    expect(api.taken[1].body).toBe(api.taken[0].body);
  });

  it('stops after a few sends and says the answer was not the API’s (RESPONSE_INVALID)', async () => {
    const api = await stub([html(502)]);
    server = api.server;
    const failure = await new BridgenotesClient(api.url).createNote('demo', proven).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).toMatchObject({ status: 502, code: 'RESPONSE_INVALID' });
    expect(api.taken).toHaveLength(4);
    expect(new Set(api.taken.map(({ body }) => body)).size).toBe(1);
  });

  it('does not send again what the API refused (4xx)', async () => {
    const api = await stub([json(409, { code: 'RATING_OUTDATED', message: 'older' })]);
    server = api.server;
    await expect(
      new BridgenotesClient(api.url).putRating('demo', 'n1', proven),
    ).rejects.toMatchObject({ status: 409, code: 'RATING_OUTDATED' });
    expect(api.taken).toHaveLength(1);
  });

  it('takes an answer that is not JSON for an ApiRequestError, not a SyntaxError', async () => {
    const api = await stub([
      (response) => {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end('not here');
      },
    ]);
    server = api.server;
    await expect(new BridgenotesClient(api.url).getCommunity('demo')).rejects.toMatchObject({
      name: 'ApiRequestError',
      status: 404,
      code: 'RESPONSE_INVALID',
    });
  });

  it('sends a read again when its connection died before any answer', async () => {
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      // The first read meets a socket closed under it (a keep-alive timeout at a proxy).
      if (requests === 1) return void request.socket.destroy();
      json(200, { slug: 'demo' })(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new BridgenotesClient(`http://127.0.0.1:${port}`);
      await expect(client.getCommunity('demo')).resolves.toMatchObject({ slug: 'demo' });
      expect(requests).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes an instance address with a trailing slash (as note and export do)', async () => {
    const api = await stub([json(200, { difficulty: 0, challenge: 'c' })]);
    server = api.server;
    await new BridgenotesClient(`${api.url}//`).joinWork('demo');
    expect(api.taken[0].path).toBe('/communities/demo/join-work');
  });
  it("keeps the instance's clock from its answers, for the minutes it proves", async () => {
    // The device is 7 minutes ahead of the instance.
    const instanceTime = Date.now() - 7 * 60_000;
    const api = await stub([
      (response) => {
        response.writeHead(200, {
          'Content-Type': 'application/json',
          'Cache-Control': 'no-store',
          Date: new Date(instanceTime).toUTCString(),
        });
        response.end(JSON.stringify({ slug: 'demo' }));
      },
    ]);
    server = api.server;
    const client = new BridgenotesClient(api.url);
    await client.getCommunity('demo');
    const skew = client.clock.now() - instanceTime;
    // Whole seconds in the header, and the time the answer took (a busy machine's).
    expect(skew).toBeGreaterThan(-60_000);
    expect(skew).toBeLessThan(60_000);
  });
});
