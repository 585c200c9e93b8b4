import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ExportManifest } from '../lib/export-format';
import type { Streams } from './memory-export';

/** What the instance does with one request, decided by the spec before it answers. */
export type Answer =
  | { kind: 'serve' }
  /** Headers and half the body, then the connection is destroyed. */
  | { kind: 'cut' }
  /** Nothing, ever (until the server closes). */
  | { kind: 'stall' }
  | { kind: 'status'; status: number; retryAfter?: number }
  /** These records as the page, whatever its cursor (an instance that pages wrongly). */
  | { kind: 'page'; records: readonly { cursor: string }[] };

export interface ServedRequest {
  /** `manifest`, or the stream's name. */
  path: string;
  query: URLSearchParams;
}

/**
 * An instance's export served over real HTTP from records held in memory, paged by cursor as
 * the API pages it; `community` can change between requests, as a live community does, and
 * `answer` decides how each request is answered.
 */
export async function fakeInstance(
  community: { manifest: ExportManifest; streams: Partial<Streams> },
  answer: (request: ServedRequest) => Answer = () => ({ kind: 'serve' }),
) {
  const requests: ServedRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const server = createServer((incoming, response) => {
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const [, , slug, , stream] = url.pathname.split('/');
    if (slug !== community.manifest.community.slug) return void response.writeHead(404).end();
    const request = { path: stream ?? 'manifest', query: url.searchParams };
    requests.push(request);
    const decided = answer(request);
    if (decided.kind === 'stall') return void stalled.add(response);
    if (decided.kind === 'status') {
      const headers = decided.retryAfter ? { 'retry-after': String(decided.retryAfter) } : {};
      return void response.writeHead(decided.status, headers).end('{"code":"BUSY"}');
    }
    const body =
      decided.kind === 'page'
        ? lines(decided.records)
        : stream === undefined
          ? JSON.stringify(community.manifest)
          : page(community.streams[stream as keyof Streams] ?? [], url.searchParams);
    if (decided.kind === 'cut') {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      return void response.destroy();
    }
    response.writeHead(200).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    slug: community.manifest.community.slug,
    requests,
    async close() {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** At most `limit` records after the one whose cursor is `after`, one JSON line each. */
function page(records: readonly { cursor: string }[], query: URLSearchParams): string {
  const after = query.get('after');
  const start = after === null ? 0 : records.findIndex((record) => record.cursor === after) + 1;
  const limit = Number(query.get('limit') ?? 1_000);
  return lines(records.slice(start, start + limit));
}

const lines = (records: readonly unknown[]) =>
  records.map((record) => `${JSON.stringify(record)}\n`).join('');
