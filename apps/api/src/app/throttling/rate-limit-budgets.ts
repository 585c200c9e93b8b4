import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { Request, Response } from 'express';
import { Gauge } from 'prom-client';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { BlockedClients } from './blocked-clients';
import { ClientKeys, IPV6_SITE_BUDGETS, keyRotationMs } from './client-keys';
import { FloodFigures } from './flood-figures';
import type { RateLimitClass } from './rate-limit-class';
import { RateLimitStore } from './rate-limit-store';

const MAX_SUSPECTS = 10_000;
/**
 * The client's keyed hashes (its own, then its IPv6 /48's), computed once per request (the early
 * refusal, then the guard).
 */
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
  tier: Tier = 'client',
): ApiError {
  const from = tier === 'client' ? 'this client' : "this client's IPv6 /48";
  const message =
    `Too many ${rateLimitClass} from ${from}: at most ${limit} every ${window} s` +
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

/**
 * Whose budget: the client's (an IPv4 address, an IPv6 /64), or its IPv6 /48's, which has
 * IPV6_SITE_BUDGETS clients' worth (client-keys.ts).
 */
export type Tier = 'client' | 'site';

/** One of the client's names (in the store, or in this process's memory) and whose it is. */
interface Named {
  name: string;
  tier: Tier;
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

  limitOf(rateLimitClass: RateLimitClass, tier: Tier = 'client'): number {
    const limit = {
      reads: this.env.RATE_LIMIT_READS,
      joins: this.env.RATE_LIMIT_JOINS,
      writes: this.env.RATE_LIMIT_WRITES,
      operator: this.env.RATE_LIMIT_OPERATOR,
    }[rateLimitClass];
    return tier === 'client' ? limit : limit * IPV6_SITE_BUDGETS;
  }

  get windowMs(): number {
    return this.env.RATE_LIMIT_WINDOW_SECONDS * 1_000;
  }

  /**
   * This process's names for the client's blocks (in memory only, a copy of the store's, so under
   * the same key: a block ends when the store's bucket does), the client's own and, for IPv6, its
   * /48's: not the name of any of its buckets in the store.
   */
  clientsOf(request: Request): readonly Named[] {
    const cached = (request as Request & { [CLIENT_KEY]?: Named[] })[CLIENT_KEY];
    if (cached !== undefined) return cached;
    const clients = this.namesOf(this.keys, addressOf(request), 'client');
    Object.assign(request, { [CLIENT_KEY]: clients });
    return clients;
  }

  /**
   * When the client's block of a class ends, and whose budget it is, if it is blocked: the later
   * of its own block's end and its /48's.
   */
  blockedUntil(
    request: Request,
    rateLimitClass: RateLimitClass,
    now = Date.now(),
  ): { until: number; tier: Tier } | undefined {
    let found: { until: number; tier: Tier } | undefined;
    for (const { name, tier } of this.clientsOf(request)) {
      const until = this.blocked.until(name, rateLimitClass, now);
      if (until !== undefined && until > (found?.until ?? -Infinity)) found = { until, tier };
    }
    return found;
  }

  /** Whether this process remembers a block of the client in any class (the usual answer: no). */
  mayBeBlocked(request: Request): boolean {
    return this.clientsOf(request).some(({ name }) => this.blocked.of(name) !== undefined);
  }

  /** The client's name in `scope` and, for IPv6, its /48's. */
  private namesOf(keys: ClientKeys, address: string, scope: string): Named[] {
    const site = keys.ofSite(address, scope);
    const client: Named = { name: keys.of(address, scope), tier: 'client' };
    return site === undefined ? [client] : [client, { name: site, tier: 'site' }];
  }

  /**
   * The client's buckets of a class (its own and, for IPv6, its /48's), each named by a hash of
   * the class and the address: a client's buckets of different classes cannot be told to be one
   * client's from their names.
   */
  private bucketsOf(request: Request, rateLimitClass: RateLimitClass): Named[] {
    return this.namesOf(this.keys, addressOf(request), rateLimitClass).map(({ name, tier }) => ({
      name: `${this.env.QUEUE_PREFIX}:rate-limit:${rateLimitClass}:${name}`,
      tier,
    }));
  }

  /**
   * The client's name among the suspects: its /48's for IPv6, so that a forger does not escape
   * its mark by moving to another /64 of its own (which may mark others of a shared /48: their
   * proofs are then verified apart for a window, not refused).
   */
  private suspectOf(request: Request): string {
    const cached = (request as Request & { [SUSPECT_KEY]?: string })[SUSPECT_KEY];
    if (cached !== undefined) return cached;
    const address = addressOf(request);
    const client =
      this.suspectKeys.ofSite(address, 'suspect') ?? this.suspectKeys.of(address, 'suspect');
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
   * Spends `hits` of the client's budget of a class, and of its IPv6 /48's; answers 429 with
   * `Retry-After` once either is spent (the longer wait when both are blocked, the /48's read
   * even when the client's own bucket refused), and tells every answer how much is left of the
   * tighter (RateLimit headers). If the store fails the request goes through: limits protect
   * the API, they must not take it down with Redis (while the limits' Redis is away,
   * RateLimitStore counts in this process's memory instead).
   *
   * The /48's bucket is charged only with the hits the client's own bucket accepted: a /64 over
   * its limit is refused by its own bucket and spends nothing of its /48's, else one /64 could
   * spend the /48's 16 budgets on requests it is refused anyway (bursts, or other processes,
   * pass the early refusal's copy of its block) and block every other /64 of a shared /48. So
   * the two buckets are counted one after the other, two round trips for an IPv6 client (one
   * for IPv4; when the client's own bucket refused, the second only reads the /48's block). Not
   * one Lua script across both: their keys hash to different Redis Cluster slots (each bucket
   * its own hash tag), and it is needless, since each bucket's count and block still depend on
   * its own hits only (the /48's on its /64s' accepted ones), so nothing another request does
   * between the two changes what either decides.
   */
  async spend(
    request: Request,
    response: Response,
    rateLimitClass: RateLimitClass,
    hits = 1,
  ): Promise<void> {
    if (this.limitOf(rateLimitClass) === 0) return;
    const windowMs = this.windowMs;
    const spent = [];
    try {
      // The client's own bucket first, then its /48's with only the hits the first accepted.
      let accepted = hits;
      for (const { name, tier } of this.bucketsOf(request, rateLimitClass)) {
        const limit = this.limitOf(rateLimitClass, tier);
        if (accepted === 0) {
          // Refused by its own bucket, the client charges its /48's nothing; but if the /48 is
          // blocked for longer, a retry once the client's own block ends would be refused by
          // it: the /48's block is read (not counted) so that Retry-After names the longer.
          // Only a better Retry-After rides on this read: a store failure must not turn the
          // refusal already decided into the acceptance the catch below gives a failed store.
          const wait = await this.store.blockedFor(name, rateLimitClass).catch(() => 0);
          const record = {
            totalHits: limit,
            timeToExpire: wait,
            isBlocked: true,
            timeToBlockExpire: wait,
          };
          if (wait > 0) spent.push({ tier, limit, record, remaining: 0 });
          break;
        }
        const records = await Promise.all(
          Array.from({ length: accepted }, () =>
            this.store.increment(name, windowMs, limit, windowMs, rateLimitClass),
          ),
        );
        const record = records.reduce((most, next) =>
          next.totalHits > most.totalHits ? next : most,
        );
        spent.push({ tier, limit, record, remaining: Math.max(0, limit - record.totalHits) });
        accepted = records.filter((each) => !each.isBlocked).length;
      }
    } catch (error) {
      this.warnStoreDown(error);
      return;
    }
    const clients = this.clientsOf(request);
    for (const { tier, record } of spent) {
      if (record.isBlocked && record.timeToBlockExpire > 1) {
        // Remembered a second short of the store's block (it answers in whole seconds, rounded
        // up), so that this copy never outlasts it.
        const until = Date.now() + (record.timeToBlockExpire - 1) * 1_000;
        const client = clients.find((named) => named.tier === tier);
        if (client) this.blocked.block(client.name, rateLimitClass, until);
      }
    }
    // What the answer tells of: the bucket blocked longest, else the one with the least left
    // (the client's own on a tie).
    const blocked = spent.filter(({ record }) => record.isBlocked);
    const told =
      blocked.length > 0
        ? blocked.reduce((most, next) =>
            next.record.timeToBlockExpire > most.record.timeToBlockExpire ? next : most,
          )
        : spent.reduce((least, next) => (next.remaining < least.remaining ? next : least));
    const { tier, limit, record, remaining } = told;
    const window = this.env.RATE_LIMIT_WINDOW_SECONDS;
    const reset = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    if (!response.headersSent) {
      const headers = rateLimitHeaders(rateLimitClass, limit, window, remaining, reset);
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    }
    if (record.isBlocked && hits === 1) {
      const retry = Math.max(1, record.timeToBlockExpire);
      response.setHeader('Retry-After', retry);
      this.figures.rateLimitedOnce(rateLimitClass, 'store');
      throw rateLimitedError(rateLimitClass, limit, window, retry, tier);
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
