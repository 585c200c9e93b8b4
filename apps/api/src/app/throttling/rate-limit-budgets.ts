import { Injectable, Logger } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { Request, Response } from 'express';

import { ApiError } from '../common/api-error';
import { ClientKeys } from './client-keys';
import type { RateLimitClass } from './rate-limit-class';
import { RateLimitStore } from './rate-limit-store';

const MAX_SUSPECTS = 10_000;

/** Per-client budgets of each class of route, over the shared store. */
@Injectable()
export class RateLimitBudgets {
  private readonly logger = new Logger('RateLimits');
  private readonly keys: ClientKeys;
  private lastStoreWarning = 0;
  /** Clients whose last proof failed verification, until when (this process's memory only). */
  private readonly suspects = new Map<string, number>();

  constructor(
    private readonly env: Environment,
    private readonly store: RateLimitStore,
  ) {
    this.keys = new ClientKeys(env.RATE_LIMIT_SECRET);
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

  private clientOf(request: Request): string {
    // request.ip honours TRUST_PROXY_HOPS (Express' "trust proxy"), and only then the header.
    return this.keys.of(request.ip ?? request.socket.remoteAddress ?? 'unknown');
  }

  private bucketOf(request: Request, rateLimitClass: RateLimitClass): string {
    return `${this.env.QUEUE_PREFIX}:rate-limit:${rateLimitClass}:${this.clientOf(request)}`;
  }

  /** Remembers, for one window, that this client sent a proof that failed verification. */
  markSuspect(request: Request): void {
    const client = this.clientOf(request);
    this.suspects.delete(client);
    this.suspects.set(client, Date.now() + this.windowMs);
    // Bounded: the oldest marks go first (a Map iterates in insertion order).
    for (const [oldest] of this.suspects) {
      if (this.suspects.size <= MAX_SUSPECTS) break;
      this.suspects.delete(oldest);
    }
  }

  isSuspect(request: Request): boolean {
    const client = this.clientOf(request);
    const until = this.suspects.get(client);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.suspects.delete(client);
    return false;
  }

  /**
   * Spends `hits` of the client's budget of a class; answers 429 with `Retry-After` once it is
   * spent, and tells every answer how much is left (RateLimit headers). If the store is away the
   * request goes through: limits protect the API, they must not take it down with Redis.
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
    if (!response.headersSent) {
      // The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers) and the separate ones
      // most clients still read.
      response.setHeader('RateLimit-Policy', `"${rateLimitClass}";q=${limit};w=${window}`);
      response.setHeader('RateLimit', `"${rateLimitClass}";r=${remaining};t=${reset}`);
      response.setHeader('RateLimit-Limit', limit);
      response.setHeader('RateLimit-Remaining', remaining);
      response.setHeader('RateLimit-Reset', reset);
    }
    if (record.isBlocked && hits === 1) {
      response.setHeader('Retry-After', Math.max(1, record.timeToBlockExpire));
      throw new ApiError(
        'RATE_LIMITED',
        `Too many ${rateLimitClass} from this client: at most ${limit} every ${window} s` +
          (rateLimitClass === 'writes' ? ' (a failed proof counts for several)' : '') +
          `; retry in ${Math.max(1, record.timeToBlockExpire)} s`,
        { class: rateLimitClass, limit, windowSeconds: window },
      );
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
