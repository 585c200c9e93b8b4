import { ExportReadError, fetchJson } from '@bridgenotes/open-data';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { OriginFetch, PRIVATE_ORIGIN_REFUSAL } from './origin-fetch';

/**
 * A name only this spec's resolver knows, answered with loopback as a hostile origin's DNS would
 * (after the operator followed it by name): the refusal must come from the lookup the agent
 * dials through, since the name itself says nothing.
 */
const LOOPBACK_NAME = 'origin.bridgenotes-test';
jest.mock('node:dns', () => {
  const dns = jest.requireActual<typeof import('node:dns')>('node:dns');
  return {
    ...dns,
    lookup: (hostname: string, options: object, callback: (...answer: unknown[]) => void) =>
      hostname === LOOPBACK_NAME
        ? callback(null, [{ address: '127.0.0.1', family: 4 }])
        : dns.lookup(hostname, options, callback as never),
  };
});

describe('OriginFetch', () => {
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_, response) => {
      requests += 1;
      response.setHeader('content-type', 'application/json').end('{"format":"x"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['a name that resolves to loopback', () => `http://${LOOPBACK_NAME}:${port}/x`],
    ['a loopback literal', () => `http://127.0.0.1:${port}/x`],
    ['an IPv4-mapped loopback literal', () => `http://[::ffff:127.0.0.1]:${port}/x`],
    ['localhost', () => `http://localhost:${port}/x`],
  ])('refuses %s, never reaching it, in a fixed sentence', async (_, url) => {
    const origins = new OriginFetch(false);
    const before = requests;
    try {
      const error = await fetchJson(url(), { fetcher: origins.fetcher }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ExportReadError);
      expect(error).toMatchObject({
        code: 'ORIGIN_UNREACHABLE',
        message: `GET ${url()}: ${PRIVATE_ORIGIN_REFUSAL}`,
      });
      expect(requests).toBe(before);
    } finally {
      await origins.close();
    }
  });

  it('reads private origins as any other when MIRROR_ALLOW_PRIVATE_ORIGINS is true', async () => {
    const origins = new OriginFetch(true);
    expect(origins.fetcher).toBeUndefined();
    expect(await fetchJson(`http://127.0.0.1:${port}/x`, { fetcher: origins.fetcher })).toEqual({
      format: 'x',
    });
    await origins.close();
  });
});
