import type { RateLimitClass } from './rate-limit-class';

/** Clients remembered at most: beyond, the oldest blocks are forgotten (Redis still counts). */
const MAX_CLIENTS = 100_000;

/**
 * This process's copy of which clients the shared store has blocked, per class and until when:
 * keyed by the client's keyed hash only, learned from the store's answers, and never longer
 * than the store's own block, so the store stays the one source of truth for counting. It lets
 * the early refusal answer a blocked client without a Redis round trip (early-refusal.ts).
 */
export class BlockedClients {
  private readonly clients = new Map<string, Partial<Record<RateLimitClass, number>>>();

  block(client: string, rateLimitClass: RateLimitClass, until: number): void {
    const classes = this.clients.get(client) ?? {};
    classes[rateLimitClass] = until;
    // Re-inserted so that the Map's insertion order is the order of last blocking.
    this.clients.delete(client);
    this.clients.set(client, classes);
    for (const [oldest] of this.clients) {
      if (this.clients.size <= MAX_CLIENTS) break;
      this.clients.delete(oldest);
    }
  }

  /** The classes this client is blocked in (possibly expired), or undefined: the usual case. */
  of(client: string): Partial<Record<RateLimitClass, number>> | undefined {
    return this.clients.get(client);
  }

  /** When this client's block of a class ends (ms), if it has not ended yet. */
  until(client: string, rateLimitClass: RateLimitClass, now = Date.now()): number | undefined {
    const classes = this.clients.get(client);
    const until = classes?.[rateLimitClass];
    if (until === undefined) return undefined;
    if (until > now) return until;
    delete classes?.[rateLimitClass];
    if (classes && Object.keys(classes).length === 0) this.clients.delete(client);
    return undefined;
  }

  /** Clients blocked now, in any class (a gauge for the metrics: a count, never a key). */
  get size(): number {
    return this.clients.size;
  }
}
