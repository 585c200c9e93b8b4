import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Environment } from '@bridgenotes/config';

/**
 * Where the buckets live: Redis in server mode, so every API process and machine shares a
 * client's budget (`@nest-lab/throttler-storage-redis`: one Lua script per hit, atomic, on the
 * project's ioredis); the process's memory in the embedded mode, which has one API process.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly storage: ThrottlerStorageRedisService | ThrottlerStorageService;

  constructor(env: Environment) {
    this.storage =
      env.QUEUE_BACKEND === 'redis' && env.REDIS_URL
        ? new ThrottlerStorageRedisService(env.REDIS_URL, {
            // Fail fast when Redis is away (the guard then lets requests through) rather than
            // hold every request in ioredis' offline queue.
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
          })
        : new ThrottlerStorageService();
  }

  /**
   * Starts serving once the Redis connection is up (or has failed): without the offline queue, a
   * request arriving while it connects would find no store and be let through unlimited.
   */
  async onModuleInit(): Promise<void> {
    if (!(this.storage instanceof ThrottlerStorageRedisService)) return;
    const { redis } = this.storage;
    if (redis.status === 'ready' || redis.status === 'end') return;
    await new Promise<void>((resolve) => {
      const settle = () => {
        redis.off('ready', settle);
        redis.off('error', settle);
        resolve();
      };
      redis.once('ready', settle);
      redis.once('error', settle);
    });
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string) {
    return this.storage.increment(key, ttl, limit, blockDuration, name);
  }

  onApplicationShutdown(): void {
    if (this.storage instanceof ThrottlerStorageRedisService) this.storage.onModuleDestroy();
    else this.storage.onApplicationShutdown();
  }
}
