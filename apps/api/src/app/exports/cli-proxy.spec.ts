import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { bridgenotesWith } from '../../testing/cli';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
const PROXY_EXCEPTIONS = ['NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

const portOf = (server: Server) => (server.address() as AddressInfo).port;

async function listening(server: Server): Promise<Server> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/**
 * The CLI honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (docs/threat-model.md: a member may relay
 * their requests through a proxy so that the instance sees the proxy's address). Node 20's fetch
 * ignores them: the request went straight to the instance.
 */
describe('the CLI through a proxy', () => {
  /** What the proxy was asked for: `host:port` of each tunnel or forwarded request. */
  const proxied: string[] = [];
  const served: string[] = [];
  let instance: Server;
  let proxy: Server;
  let out: string;

  beforeAll(async () => {
    // Not an instance: every request is refused, which the CLI reports; only who asked counts.
    instance = await listening(
      createServer((req, res) => {
        served.push(req.url ?? '');
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 404, code: 'COMMUNITY_NOT_FOUND', message: 'no' }));
      }),
    );
    proxy = createServer((req, res) => {
      // A request for an absolute URL (a proxy that does not tunnel plain HTTP).
      const target = new URL(req.url ?? '');
      proxied.push(target.host);
      req.pipe(
        request(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }),
      );
    });
    proxy.on('connect', (req, socket, head) => {
      proxied.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await listening(proxy);
    out = mkdtempSync(join(tmpdir(), 'bn-cli-proxy-'));
  });

  afterAll(async () => {
    proxy?.closeAllConnections();
    instance?.closeAllConnections();
    await Promise.all([proxy, instance].map((server) => server && once(server.close(), 'close')));
    rmSync(out, { recursive: true, force: true });
  });

  const exportVia = (env: NodeJS.ProcessEnv) =>
    bridgenotesWith(
      // Only the proxy settings given (undefined leaves a variable out, and a lower-case one,
      // even empty, would win over its upper-case one).
      {
        ...Object.fromEntries(
          [...PROXY_VARIABLES, ...PROXY_EXCEPTIONS].map((name) => [name, undefined]),
        ),
        ...env,
      },
      'export',
      `http://127.0.0.1:${portOf(instance)}`,
      '--community',
      'news',
      '--out',
      join(out, 'export'),
    );

  it('sends its requests through HTTP_PROXY', async () => {
    const before = served.length;
    const result = await exportVia({ HTTP_PROXY: `http://127.0.0.1:${portOf(proxy)}` });
    // The instance answered (through the proxy), and the CLI reports its refusal.
    expect(served.length).toBeGreaterThan(before);
    expect(result.stderr).not.toMatch(/could not be reached/);
    expect(proxied).toContain(`127.0.0.1:${portOf(instance)}`);
  });

  it('goes straight to a host NO_PROXY lists', async () => {
    proxied.length = 0;
    const before = served.length;
    await exportVia({
      HTTP_PROXY: `http://127.0.0.1:${portOf(proxy)}`,
      NO_PROXY: '127.0.0.1',
    });
    expect(served.length).toBeGreaterThan(before);
    expect(proxied).toEqual([]);
  });

  it('sends nothing with only ALL_PROXY set (often SOCKS, which it cannot use), rather than connect directly', async () => {
    const before = served.length;
    const result = await exportVia({ ALL_PROXY: 'socks5h://127.0.0.1:9050' });
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^ALL_PROXY is set, but bridgenotes sends its requests only through/,
      ),
    });
    expect(served.length).toBe(before);
    // NO_PROXY exempts the instance's host: straight to it, as asked.
    const exempted = await exportVia({
      ALL_PROXY: 'socks5h://127.0.0.1:9050',
      NO_PROXY: 'example.org,127.0.0.1',
    });
    expect(exempted.stderr).not.toMatch(/ALL_PROXY/);
    expect(served.length).toBeGreaterThan(before);
  });
});
