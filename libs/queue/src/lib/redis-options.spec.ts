import { redisOptionsFromUrl } from './redis-options';

describe('redisOptionsFromUrl', () => {
  it('reads host and port, defaulting the port', () => {
    expect(redisOptionsFromUrl('redis://cache.internal')).toEqual({
      host: 'cache.internal',
      port: 6379,
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1:6380')).toEqual({
      host: '127.0.0.1',
      port: 6380,
    });
  });

  it('reads credentials (URL-decoded), the database number and TLS', () => {
    expect(redisOptionsFromUrl('rediss://user:p%40ss@[::1]:6390/2')).toEqual({
      host: '::1',
      port: 6390,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
  });

  it('rejects other schemes and non-numeric databases', () => {
    expect(() => redisOptionsFromUrl('http://127.0.0.1:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisOptionsFromUrl('redis://127.0.0.1:6379/cache')).toThrow(/database number/);
  });
});
