import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { Request, Response } from 'express';
import { Gauge } from 'prom-client';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { BlockedClients } from './blocked-clients';
import { ClientKeys, keyRotationMs } from './client-keys';
import { FloodFigures } from './flood-figures';
import type { RateLimitClass } from './rate-limit-class';
import { RateLimitStore } from './rate-limit-store';

const MAX_SUSPECTS = 10_000;
/** The client's keyed hash, computed once per request (the early refusal, then the guard). */
const CLIENT_KEY = Symbol('client key');
/** The client's name among the suspects, computed once per request. */
const SUSPECT_KEY = Symbol('suspect key');

/** request.ip honours TRUST_PROXY_HOPS (Express' "trust proxy"), and only then the header. */
const addressOf = (request: Request): string =>
  request.ip ?? request.socket.remoteAddress ?? 'unknown';

/**
 * The 429 RATE_LIMITED, the same whether the store or the memory (early-refusal.ts) answers it.
 */
export function rateLimitedError(
  rateLimitClass: RateLimitClass,
  limit: number,
  window: number,
  retry: number,
): ApiError {
  const message =
    `Too many ${rateLimitClass} from this client: at most ${limit} every ${window} s` +
    (rateLimitClass === 'writes' ? ' (a failed proof counts for several)' : '') +
    `; retry in ${retry} s`;
  return new ApiError('RATE_LIMITED', message, {
    class: rateLimitClass,
    limit,
    windowSeconds: window,
  });
}

/**
 * The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers) and the separate ones most
 * clients still read, on every answer of a limited class.
 */
export function rateLimitHeaders(
  rateLimitClass: RateLimitClass,
  limit: number,
  window: number,
  remaining: number,
  reset: number,
): Record<string, string | number> {
  return {
    'RateLimit-Policy': `"${rateLimitClass}";q=${limit};w=${window}`,
    RateLimit: `"${rateLimitClass}";r=${remaining};t=${reset}`,
    'RateLimit-Limit': limit,
    'RateLimit-Remaining': remaining,
    'RateLimit-Reset': reset,
  };
}

/** Per-client budgets of each class of route, over the shared store. */
@Injectable()
export class RateLimitBudgets {
  private readonly logger = new Logger('RateLimits');
  private readonly keys: ClientKeys;
  private lastStoreWarning = 0;
  /**
   * Clients whose last proof failed verification: when it failed, and until when their proofs
   * go alone (this process's memory only).
   */
  private readonly suspects = new Map<string, { failedAt: number; until: number }>();
  /**
   * Names the suspects under a key drawn by this process and never rotated: a mark must last its
   * whole window, which the hourly key of the store's buckets would cut short at the top of the
   * hour (a forger marked at 10:59:50 forgotten at 11:00). The key and the marks never leave this
   * process's memory, and a mark goes once its window is over (`markSuspect` sweeps them).
   */
  private readonly suspectKeys = new ClientKeys(undefined, () => 0);
  readonly blocked = new BlockedClients();

  constructor(
    private readonly env: Environment,
    private readonly store: RateLimitStore,
    private readonly figures: FloodFigures,
    metrics: MetricsRegistry,
    clock: Clock,
  ) {
    // The hour of the key is the clock's, so that a test can hold it away from the rotation. A
    // window longer than the hour keeps its key for whole windows: else each change of key
    // would cut it, with a fresh budget and its blocks forgotten.
    this.keys = new ClientKeys(
      env.RATE_LIMIT_SECRET,
      () => clock.now(),
      keyRotationMs(env.RATE_LIMIT_WINDOW_SECONDS),
    );
    const { blocked } = this;
    new Gauge({
      name: 'bridgenotes_blocked_clients',
      help: 'Clients this process remembers as over a limit (a count; none is named).',
      registers: [metrics],
      collect() {
        this.set(blocked.size);
      },
    });
  }

  limitOf(rateLimitClass: RateLimitClass): number {
    return {
      reads: this.env.RATE_LIMIT_READS,
      joins: this.env.RATE_LIMIT_JOINS,
      writes: this.env.RATE_LIMIT_WRITES,
      operator: this.env.RATE_LIMIT_OPERATOR,
    }[rateLimitClass];
  }

  get windowMs(): number {
    return this.env.RATE_LIMIT_WINDOW_SECONDS * 1_000;
  }

  /**
   * This process's name for the client's blocks (in memory only, a copy of the store's, so under
   * the same hourly key: a block ends when the store's bucket does): not the name of any of its
   * buckets in the store.
   */
  clientOf(request: Request): string {
    const cached = (request as Request & { [CLIENT_KEY]?: string })[CLIENT_KEY];
    if (cached !== undefined) return cached;
    const client = this.keys.of(addressOf(request), 'client');
    Object.assign(request, { [CLIENT_KEY]: client });
    return client;
  }

  /**
   * The client's bucket of a class, named by a hash of the class and the address: a client's
   * buckets of different classes cannot be told to be one client's from their names.
   */
  private bucketOf(request: Request, rateLimitClass: RateLimitClass): string {
    const bucket = this.keys.of(addressOf(request), rateLimitClass);
    return `${this.env.QUEUE_PREFIX}:rate-limit:${rateLimitClass}:${bucket}`;
  }

  private suspectOf(request: Request): string {
    const cached = (request as Request & { [SUSPECT_KEY]?: string })[SUSPECT_KEY];
    if (cached !== undefined) return cached;
    const client = this.suspectKeys.of(addressOf(request), 'suspect');
    Object.assign(request, { [SUSPECT_KEY]: client });
    return client;
  }

  /** Remembers, for one window, that this client sent a proof that failed verification. */
  markSuspect(request: Request): void {
    const client = this.suspectOf(request);
    const now = Date.now();
    this.forgetEnded(now);
    this.suspects.delete(client);
    this.suspects.set(client, { failedAt: now, until: now + this.windowMs });
    // Bounded: the oldest marks go first (a Map iterates in insertion order).
    for (const [oldest] of this.suspects) {
      if (this.suspects.size <= MAX_SUSPECTS) break;
      this.suspects.delete(oldest);
    }
  }

  isSuspect(request: Request): boolean {
    const now = Date.now();
    this.forgetEnded(now);
    // Each mark's own end, too: the sweep stops at the first running mark, and a wall clock
    // stepped back leaves marks that ended behind one made before the step.
    return (this.suspects.get(this.suspectOf(request))?.until ?? -Infinity) > now;
  }

  /** Drops the marks whose window is over: they are in the order they end (one window each). */
  private forgetEnded(now: number): void {
    for (const [oldest, mark] of this.suspects) {
      if (mark.until > now) break;
      this.suspects.delete(oldest);
    }
  }

  /**
   * Whether one of this client's proofs failed verification after `since` (ms): its requests
   * admitted before then are refused unverified (see ActionProofsService).
   */
  failedSince(request: Request, since: number): boolean {
    return (this.suspects.get(this.suspectOf(request))?.failedAt ?? -Infinity) >= since;
  }

  /**
   * Spends `hits` of the client's budget of a class; answers 429 with `Retry-After` once it is
   * spent, and tells every answer how much is left (RateLimit headers). If the store fails the
   * request goes through: limits protect the API, they must not take it down with Redis (while
   * the limits' Redis is away, RateLimitStore counts in this process's memory instead).
   */
  async spend(
    request: Request,
    response: Response,
    rateLimitClass: RateLimitClass,
    hits = 1,
  ): Promise<void> {
    const limit = this.limitOf(rateLimitClass);
    if (limit === 0) return;
    const key = this.bucketOf(request, rateLimitClass);
    const windowMs = this.windowMs;
    let record;
    try {
      const records = await Promise.all(
        Array.from({ length: hits }, () =>
          this.store.increment(key, windowMs, limit, windowMs, rateLimitClass),
        ),
      );
      record = records.reduce((most, next) => (next.totalHits > most.totalHits ? next : most));
    } catch (error) {
      this.warnStoreDown(error);
      return;
    }
    const window = this.env.RATE_LIMIT_WINDOW_SECONDS;
    const remaining = Math.max(0, limit - record.totalHits);
    const reset = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    if (record.isBlocked && record.timeToBlockExpire > 1) {
      // Remembered a second short of the store's block (it answers in whole seconds, rounded
      // up), so that this copy never outlasts it.
      const until = Date.now() + (record.timeToBlockExpire - 1) * 1_000;
      this.blocked.block(this.clientOf(request), rateLimitClass, until);
    }
    if (!response.headersSent) {
      const headers = rateLimitHeaders(rateLimitClass, limit, window, remaining, reset);
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    }
    if (record.isBlocked && hits === 1) {
      const retry = Math.max(1, record.timeToBlockExpire);
      response.setHeader('Retry-After', retry);
      this.figures.rateLimitedOnce(rateLimitClass, 'store');
      throw rateLimitedError(rateLimitClass, limit, window, retry);
    }
  }

  private warnStoreDown(error: unknown): void {
    if (Date.now() - this.lastStoreWarning < 60_000) return;
    this.lastStoreWarning = Date.now();
    this.logger.warn(
      `Rate-limit store unavailable, requests are not limited meanwhile: ${String(error)}`,
    );
  }
}
