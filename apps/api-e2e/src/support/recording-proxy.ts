import { createServer, request as forward, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the instance received it. */
export interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The status the instance answered it, once it did (whether or not `fail` lost it). */
  status?: number;
  /** The answer `fail` lost: what the instance said. */
  lost?: string;
}

export interface RecordingProxy {
  url: string;
  received: Received[];
  /**
   * Holds a request for `path` (method and query included) once `skip` more have passed, until
   * released; while the hold is kept, every answer for `path` says `no-store`, so that the
   * browser asks again rather than answering from its cache.
   */
  hold(path: string, skip?: number): Hold;
  /**
   * Passes the next `times` requests for `path` on, waits for the instance's whole answer
   * (recorded), then answers a gateway's own `502 Bad Gateway` page in HTML instead, as a
   * reverse proxy does when its upstream hiccups after doing the work: the answer is lost.
   */
  fail(path: string, times?: number): void;
  close(): Promise<void>;
}

export interface Hold {
  /** Settles once the held request reached the proxy. */
  reached: Promise<void>;
  /** Passes the held request on. */
  release(): void;
  /** Settles once the held request's answer was written to the client. */
  answered: Promise<void>;
}

interface Holding {
  path: string;
  skip: number;
  reached(): void;
  released: Promise<void>;
  answered(): void;
}

/**
 * An HTTP proxy in front of an instance that records every request it passes on (method, path,
 * headers, body): what the instance's operator could see of a client, and nothing less.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const received: Received[] = [];
  const holdings: Holding[] = [];
  const failing = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks);
      const holding = holdings.find((candidate) => candidate.path === incoming.url);
      const held = holding && holding.skip-- === 0 ? holding : undefined;
      if (held) {
        holdings.splice(holdings.indexOf(held), 1);
        held.reached();
        await held.released;
        outgoing.on('finish', held.answered);
      }
      const record: Received = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: { ...incoming.headers },
        body: body.toString('utf8'),
      };
      received.push(record);
      const failures = failing.get(incoming.url ?? '') ?? 0;
      const failed = failures > 0;
      if (failed) failing.set(incoming.url ?? '', failures - 1);
      const upstream = forward(
        {
          host: to.hostname,
          port: to.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: to.host },
        },
        (answer) => {
          record.status = answer.statusCode;
          if (failed) {
            const lost: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => lost.push(chunk));
            answer.on('end', () => {
              record.lost = Buffer.concat(lost).toString('utf8');
              outgoing.writeHead(502, { 'Content-Type': 'text/html' });
              outgoing.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
            });
            return;
          }
          const uncached = holding !== undefined;
          outgoing.writeHead(
            answer.statusCode ?? 502,
            uncached ? { ...answer.headers, 'cache-control': 'no-store' } : answer.headers,
          );
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    hold(path, skip = 0) {
      let reached = () => undefined as void;
      let release = () => undefined as void;
      let answered = () => undefined as void;
      const hold: Hold = {
        reached: new Promise<void>((resolve) => (reached = resolve)),
        release: () => release(),
        answered: new Promise<void>((resolve) => (answered = resolve)),
      };
      holdings.push({
        path,
        skip,
        reached: () => reached(),
        released: new Promise<void>((resolve) => (release = resolve)),
        answered: () => answered(),
      });
      return hold;
    },
    fail(path, times = 1) {
      failing.set(path, times);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
