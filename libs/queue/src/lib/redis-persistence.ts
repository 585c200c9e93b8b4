import type Redis from 'ioredis';

/** What a Redis server keeps on disk, from `CONFIG GET`: nothing, something, or unknown. */
export async function redisPersistence(
  redis: Pick<Redis, 'call'>,
): Promise<'none' | string | undefined> {
  try {
    const [, appendonly] = (await redis.call('CONFIG', 'GET', 'appendonly')) as string[];
    const [, save] = (await redis.call('CONFIG', 'GET', 'save')) as string[];
    const kept = [
      appendonly === 'yes' ? 'appendonly yes' : '',
      save?.trim() ? `save "${save.trim()}"` : '',
    ].filter(Boolean);
    return kept.length === 0 ? 'none' : kept.join(', ');
  } catch {
    // CONFIG renamed or refused (managed Redis services often do).
    return undefined;
  }
}
