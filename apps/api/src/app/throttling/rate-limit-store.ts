import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Environment } from '@bridgenotes/config';

/**
 * Where the buckets live: Redis in server mode, so every API process and machine shares a
 * client's budget (`@nest-lab/throttler-storage-redis`: one Lua script per hit, atomic, on the
 * project's ioredis); the process's memory in the embedded mode, which has one API process.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage, OnApplicationShutdown {
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

  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string) {
    return this.storage.increment(key, ttl, limit, blockDuration, name);
  }

  onApplicationShutdown(): void {
    if (this.storage instanceof ThrottlerStorageRedisService) this.storage.onModuleDestroy();
    else this.storage.onApplicationShutdown();
  }
}
