import type { NextFunction, Request, Response } from 'express';

import { MicroCache } from './micro-cache';

interface Entry {
  /** A string, not a Buffer: Node then writes headers and body in one call, not two. */
  body: string;
  length: number;
  etag: string;
}

/** Where the request that loads an answer hands it to the requests waiting for it. */
const DELIVER = Symbol('responseCacheDeliver');
type Loading = Request & { [DELIVER]?: (entry: Entry) => void };

/**
 * Whole JSON answers of a hot read, by request URL, for `ttlMs` (a MicroCache of them): a hit is
 * answered before Nest's routing, pipes and serialisation run, which are most of a read's cost,
 * and concurrent misses of one URL wait for the first one's answer instead of all loading it.
 * Hits and misses answer alike: the same body, Cache-Control and ETag (Express's own), and 304
 * to a matching If-None-Match (Express's freshness test). Readers may see an answer up to `ttlMs` old, except
 * after a write through this process, which clears the cache.
 */
export class ResponseCache {
  private readonly entries: MicroCache<Entry>;

  constructor(
    ttlMs: number,
    maxEntries: number,
    private readonly cacheControl: string,
  ) {
    this.entries = new MicroCache(ttlMs, maxEntries);
  }

  /**
   * Middleware: answers from the cache, or lets the request through to load the answer (which
   * `answer` then delivers); if that request ends without one (an error answer), those waiting
   * on it go through themselves.
   */
  async serve(request: Request, response: Response, next: NextFunction): Promise<void> {
    let loading = false;
    const entry = await this.entries
      .get(request.originalUrl, () => {
        loading = true;
        return new Promise<Entry>((deliver, fail) => {
          (request as Loading)[DELIVER] = deliver;
          response.once('close', () => fail(new Error('answered without an entry')));
          next();
        });
      })
      .catch(() => undefined);
    if (loading) return;
    if (entry) this.send(request, response, entry);
    else next();
  }

  /** Answers with `value` as JSON, and keeps the answer for the requests that follow. */
  answer(request: Request, response: Response, value: unknown): void {
    const body = JSON.stringify(value);
    const etagOf = request.app.get('etag fn') as (body: string, encoding: string) => string;
    const entry = { body, length: Buffer.byteLength(body), etag: etagOf(body, 'utf8') };
    (request as Loading)[DELIVER]?.(entry);
    this.send(request, response, entry);
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * What Express's `res.send` would do for this body, less the work it repeats per request
   * (parsing and rewriting Content-Type's charset, measuring and hashing the body): a tenth of
   * a hit's cost.
   */
  private send(request: Request, response: Response, { body, length, etag }: Entry): void {
    response.setHeader('Cache-Control', this.cacheControl);
    response.setHeader('ETag', etag);
    if (request.fresh) {
      response.status(304).end();
      return;
    }
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', length);
    response.end(body);
  }
}
