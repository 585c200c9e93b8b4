import Redis from 'ioredis';

import { dropDatabase } from '../../libs/database/src/lib/database-admin';
import { redisOptionsFromUrl } from '../../libs/queue/src/lib/redis-options';
import { currentTestRun } from '../../libs/testing/src/lib/test-environment';

/** Drops the run's database and deletes every Redis key under the run's prefix. */
export default async function globalTeardown(): Promise<void> {
  const { databaseUrl, redisUrl, queuePrefix } = currentTestRun();
  await dropDatabase(databaseUrl);

  const redis = new Redis(redisOptionsFromUrl(redisUrl));
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
