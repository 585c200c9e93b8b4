import { MicroCache } from './micro-cache';

describe('MicroCache', () => {
  it('serves a value for its lifetime, shares concurrent loads, then loads again', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new MicroCache<number>(1_000, 10);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    jest.setSystemTime(999);
    expect(await cache.get('a', load)).toBe(1);
    jest.setSystemTime(1_000);
    expect(await cache.get('a', load)).toBe(2);
    jest.useRealTimers();
  });

  it('forgets failed loads and evicts the oldest entry past its size', async () => {
    const cache = new MicroCache<string>(60_000, 2);
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('x', async () => 'up')).toBe('up');
    await cache.get('y', async () => 'y');
    await cache.get('z', async () => 'z');
    expect(await cache.get('x', async () => 'reloaded')).toBe('reloaded');
  });

  it('loads afresh after being cleared', async () => {
    const cache = new MicroCache<string>(60_000, 10);
    await cache.get('k', async () => 'before');
    expect(await cache.get('k', async () => 'unused')).toBe('before');
    cache.clear();
    expect(await cache.get('k', async () => 'after')).toBe('after');
  });
});
