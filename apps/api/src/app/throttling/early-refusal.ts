import { Environment } from '@bridgenotes/config';
import type { NextFunction, Request, Response } from 'express';

import { FloodFigures } from './flood-figures';
import { RateLimitBudgets, rateLimitedError, rateLimitHeaders } from './rate-limit-budgets';
import { RouteClasses } from './route-classes';

/**
 * Refuses a client the shared store has already blocked, first thing, from this process's
 * memory: no body parsing, compression, helmet, request log, Nest pipeline or Redis round trip.
 * Written by hand rather than with a library because it must run before all of those and answer
 * exactly as the throttler guard does (same budgets, keys, headers and body): measured with
 * `npm run bench:abuse` (docs/operations.md), refusing a flooding client through the whole
 * pipeline cost about 0.7 ms of CPU per request (most of it the Redis script's round trip,
 * pino-http and Nest's routing), enough for one client to hold the event loop a core's worth
 * a second; here a refusal is a hash, a Map lookup and one write.
 *
 * The store still counts every request it sees and decides every block (the request that
 * crosses the limit goes through the guard); this copy only remembers the blocks it was told
 * of, never beyond their end.
 *
 * The answer is held REFUSAL_DELAY_MS first (at most MAX_HELD at once, beyond which they go at
 * once): a flooding client waiting on its answers (most tools do, per connection) then sends
 * one request a second per connection instead of as many as the API can refuse, which bounds
 * what its flood costs whatever the machine; a client that honours Retry-After never notices.
 */
/** How long a refusal of a blocked client is held before it is sent. */
export const REFUSAL_DELAY_MS = 1_000;
/** Refusals held at once, per process (each holds a socket and a timer: a few kB). */
const MAX_HELD = 2_000;

export function earlyRefusal(
  budgets: RateLimitBudgets,
  routes: RouteClasses,
  env: Environment,
  figures: FloodFigures,
) {
  const window = env.RATE_LIMIT_WINDOW_SECONDS;
  let held = 0;
  return (request: Request, response: Response, next: NextFunction): void => {
    // The usual case: a client that is not blocked costs a hash and a lookup (two for IPv6: its
    // /64's and its /48's).
    if (!budgets.mayBeBlocked(request)) return next();
    const query = request.url.indexOf('?');
    const path = query < 0 ? request.url : request.url.slice(0, query);
    const rateLimitClass = routes.classify(request.method, path);
    const now = Date.now();
    const block =
      rateLimitClass === undefined ? undefined : budgets.blockedUntil(request, rateLimitClass, now);
    if (rateLimitClass === undefined || block === undefined) return next();
    const { until, tier } = block;
    const limit = budgets.limitOf(rateLimitClass, tier);
    const refuse = (at: number): void => {
      const retry = Math.max(1, Math.ceil((until - at) / 1_000));
      const error = rateLimitedError(rateLimitClass, limit, window, retry, tier);
      const { message, details } = error.getResponse() as { message: string; details: unknown };
      // The exception filter's shape (all-exceptions.filter.ts), without a request id.
      const body = JSON.stringify({
        statusCode: 429,
        error: 'Too Many Requests',
        message,
        code: error.code,
        details,
      });
      response.writeHead(429, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Content-Type-Options': 'nosniff',
        'Retry-After': retry,
        ...rateLimitHeaders(rateLimitClass, limit, window, 0, retry),
      });
      // The body is not read: Node discards it, and the connection stays open for the next request.
      response.end(body);
    };
    figures.rateLimitedOnce(rateLimitClass, 'early');
    if (held >= MAX_HELD) return refuse(now);
    held += 1;
    setTimeout(() => {
      held -= 1;
      // A client that hung up meanwhile gets nothing.
      if (!response.destroyed) refuse(Date.now());
    }, REFUSAL_DELAY_MS);
  };
}
