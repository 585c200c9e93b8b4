import Redis from 'ioredis';

import { dropDatabase } from '../../libs/database/src/lib/database-admin';
import type { EmbeddedDatabase } from '../../libs/embedded/src/lib/embedded-database';
import { redisOptionsFromUrl } from '../../libs/queue/src/lib/redis-options';
import { currentTestRun } from '../../libs/testing/src/lib/test-environment';
import { EMBEDDED_TEST_DATABASE } from './embedded-test-database';

/**
 * Drops the run's database and deletes every Redis key under the run's prefix; in the embedded
 * pass, stops the run's in-memory database, which takes everything with it.
 */
export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as Record<symbol, EmbeddedDatabase | undefined>)[
    EMBEDDED_TEST_DATABASE
  ];
  if (embedded) {
    await embedded.stop();
    return;
  }

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
