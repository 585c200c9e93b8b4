import type { Request, Response } from 'express';

interface Entry {
  /** A string, not a Buffer: Node then writes headers and body in one call, not two. */
  body: string;
  length: number;
  etag: string;
  expires: number;
}

/** Set on a request that missed, so that a write in the meantime keeps its answer out. */
const GENERATION = Symbol('responseCacheGeneration');
type Tracked = Request & { [GENERATION]?: number };

/**
 * Whole JSON answers of a hot read, by request URL, for `ttlMs`: a hit is answered before Nest's
 * routing, pipes and serialisation run, which are most of a read's cost. Hits and misses answer
 * alike: the same body, Cache-Control and ETag (Express's own), and 304 to a matching
 * If-None-Match. Readers may see an answer up to `ttlMs` old, except after a write through this
 * process, which clears the cache.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly cacheControl: string,
  ) {}

  /** Answers from the cache and returns true, or returns false on a miss. */
  serve(request: Request, response: Response): boolean {
    const entry = this.entries.get(request.originalUrl);
    if (!entry || entry.expires <= Date.now()) {
      (request as Tracked)[GENERATION] = this.generation;
      return false;
    }
    this.send(request, response, entry);
    return true;
  }

  /** Answers with `value` as JSON, and keeps the answer for the same URL. */
  answer(request: Request, response: Response, value: unknown): void {
    const body = JSON.stringify(value);
    const etagOf = request.app.get('etag fn') as (body: string, encoding: string) => string;
    const entry = {
      body,
      length: Buffer.byteLength(body),
      etag: etagOf(body, 'utf8'),
      expires: Date.now() + this.ttlMs,
    };
    if ((request as Tracked)[GENERATION] === this.generation) {
      this.entries.delete(request.originalUrl);
      this.entries.set(request.originalUrl, entry);
      if (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
    }
    this.send(request, response, entry);
  }

  clear(): void {
    this.entries.clear();
    this.generation += 1;
  }

  private send(request: Request, response: Response, entry: Entry): void {
    response.setHeader('Cache-Control', this.cacheControl);
    response.setHeader('ETag', entry.etag);
    // Express's freshness test, as res.send applies it: If-None-Match against the ETag above.
    if (request.fresh) {
      response.status(304).end();
      return;
    }
    response.status(200);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', entry.length);
    response.end(entry.body);
  }
}
