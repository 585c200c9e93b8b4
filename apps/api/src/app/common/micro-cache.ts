/**
 * A tiny time-bounded cache for hot reads: entries live `ttlMs`, concurrent misses for one key
 * share one load, and the oldest entries go first past `maxEntries`. Readers may therefore see
 * data up to `ttlMs` old, which is why only reads that tolerate that use it.
 */
export class MicroCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    // A failed load is not remembered: the next reader tries again.
    value.catch(() => this.entries.delete(key));
    this.entries.delete(key);
    this.entries.set(key, { expires: now + this.ttlMs, value });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }

  /** Forgets everything, e.g. after a write this process made, so its author sees it at once. */
  clear(): void {
    this.entries.clear();
  }
}
