import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Environment } from '@bridgenotes/config';
import { redisPersistence } from '@bridgenotes/queue';

/**
 * Where the buckets live. A bucket's hits, and the store's expiry of them, tell when a client
 * first hit each class in each window, to the millisecond: nothing that may reach a disk, where
 * beside the export's proven minutes it would link a client's join to its writes (and, with
 * RATE_LIMIT_SECRET, an address to a pseudonym). So:
 *
 * - RATE_LIMIT_REDIS_URL set: in that Redis, shared by every API process and machine
 *   (`@nest-lab/throttler-storage-redis`: one Lua script per hit, atomic), only while the server
 *   is known to keep nothing on disk. Its persistence is read (`CONFIG GET appendonly`, `save`)
 *   at each connection; until that check passes, and whenever it finds persistence (logged as an
 *   error) or the connection is down, this process counts in its own memory instead. A server
 *   that refuses CONFIG is used, with a warning: the operator vouches for it.
 * - unset: in this process's memory, never in the queues' Redis (whose append-only file keeps
 *   every command). The embedded mode has one API process; API_PROCESSES > 1 then count apart.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly memory = new ThrottlerStorageService();
  private readonly shared?: ThrottlerStorageRedisService;
  /** The shared Redis is connected and was checked to keep nothing on disk since it connected. */
  private ephemeral = false;
  private lastFallbackWarning = 0;
  /** The first check after start (or the first failure to connect). */
  private readonly firstCheck: Promise<void>;

  constructor(env: Environment) {
    const url = env.RATE_LIMIT_REDIS_URL;
    if (!url) {
      // Said where limits were shared before RATE_LIMIT_REDIS_URL (in the queues' Redis) too: an
      // instance of several machines now counts them per process.
      if (env.API_PROCESSES > 1 || env.QUEUE_BACKEND === 'redis') {
        this.logger.log(
          `RATE_LIMIT_REDIS_URL is unset: each API process (${env.API_PROCESSES} here) ` +
            'counts rate limits in its own memory',
        );
      }
      this.firstCheck = Promise.resolve();
      return;
    }
    const shared = new ThrottlerStorageRedisService(url, {
      // Fail fast when Redis is away (this process's memory counts meanwhile) rather than
      // hold every request in ioredis' offline queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    this.shared = shared;
    const { redis } = shared;
    redis.on('error', (error: Error) =>
      this.fallBack(`RATE_LIMIT_REDIS_URL is unreachable (${error.message})`),
    );
    this.firstCheck = new Promise<void>((resolve) => {
      redis.once('error', () => resolve());
      redis.on('ready', () => void this.check(redis).finally(resolve));
    });
    redis.on('close', () => {
      if (this.ephemeral) this.fallBack('the connection to RATE_LIMIT_REDIS_URL closed');
      this.ephemeral = false;
    });
  }

  private async check(redis: ThrottlerStorageRedisService['redis']): Promise<void> {
    const persistence = await redisPersistence(redis);
    if (redis.status !== 'ready') return;
    if (persistence === undefined) {
      this.logger.warn(
        "RATE_LIMIT_REDIS_URL's Redis refuses CONFIG GET, so whether it keeps rate-limit " +
          'buckets on disk is unknown: run it with --save "" --appendonly no',
      );
    } else if (persistence !== 'none') {
      this.ephemeral = false;
      this.logger.error(
        `RATE_LIMIT_REDIS_URL's Redis keeps its data on disk (${persistence}): rate-limit ` +
          'buckets stay in each API process\'s memory until it runs with --save "" --appendonly no',
      );
      return;
    }
    this.ephemeral = true;
  }

  private fallBack(why: string): void {
    if (Date.now() - this.lastFallbackWarning < 60_000) return;
    this.lastFallbackWarning = Date.now();
    this.logger.warn(`${why}: rate limits are counted in this process's memory meanwhile`);
  }

  /** Starts serving once the shared Redis is checked (or has failed to connect). */
  async onModuleInit(): Promise<void> {
    await this.firstCheck;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string) {
    if (this.shared && this.ephemeral) {
      return this.shared.increment(key, ttl, limit, blockDuration, name);
    }
    return this.memory.increment(key, ttl, limit, blockDuration, name);
  }

  /**
   * How long the bucket `key` of the class `name` stays blocked, in seconds rounded up as
   * `increment` answers, without counting a hit: 0 when it is not blocked.
   */
  async blockedFor(key: string, name: string): Promise<number> {
    if (this.shared && this.ephemeral) {
      // The block's key as @nest-lab/throttler-storage-redis's script names it (the rate-limit
      // spec reads a /48's block through it from the real Redis).
      const ms = await this.shared.redis.pttl(`{${key}:${name}}:blocked`);
      return ms > 0 ? Math.ceil(ms / 1_000) : 0;
    }
    const bucket = this.memory.storage.get(key);
    if (!bucket?.isBlocked) return 0;
    return Math.max(0, Math.ceil((bucket.blockExpiresAt - Date.now()) / 1_000));
  }

  onApplicationShutdown(): void {
    // Closing it is no fall-back to warn about.
    this.ephemeral = false;
    this.shared?.onModuleDestroy();
    this.memory.onApplicationShutdown();
  }
}
