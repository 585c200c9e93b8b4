import { ServerClock } from './server-clock';

const answer = (values: { [name: string]: string }) => ({
  get: (name: string) => values[name.toLowerCase()] ?? null,
});

describe('ServerClock', () => {
  const device = Date.parse('2026-12-07T12:00:00.000Z');
  // The instance is 7 minutes behind the device.
  const served = 'Mon, 07 Dec 2026 11:53:00 GMT';
  const instance = Date.parse('2026-12-07T11:53:00.500Z');

  it("is the device's clock until an answer said the instance's", () => {
    expect(new ServerClock().now(device)).toBe(device);
  });

  it("takes the instance's time from a fresh answer's Date", () => {
    const clock = new ServerClock();
    clock.observe(answer({ date: served, 'cache-control': 'no-store' }), device);
    expect(clock.now(device)).toBe(instance);
    expect(clock.now(device + 90_000)).toBe(instance + 90_000);
  });

  it('keeps the latest reading: a slow trip or an older copy reads behind', () => {
    const clock = new ServerClock();
    clock.observe(answer({ date: served, 'cache-control': 'no-cache' }), device);
    clock.observe(answer({ date: served, 'cache-control': 'no-cache' }), device + 4_000);
    expect(clock.now(device)).toBe(instance);
    clock.observe(answer({ date: 'Mon, 07 Dec 2026 11:53:02 GMT' }), device + 1_000);
    expect(clock.now(device)).toBe(instance + 1_000);
  });

  it("follows the device's clock put forward (a reading over 5 s behind the kept one)", () => {
    const clock = new ServerClock();
    clock.observe(answer({ date: served }), device);
    clock.observe(answer({ date: served }), device + 40_000);
    expect(clock.now(device + 40_000)).toBe(instance);
    // A slow trip (3 s) is not taken for a change of the device's clock.
    clock.observe(answer({ date: served }), device + 43_000);
    expect(clock.now(device + 40_000)).toBe(instance);
  });

  it.each([
    ['a shared cache’s copy', { age: '30', 'cache-control': 'public, max-age=0' }],
    ['an answer the browser may keep', { 'cache-control': 'public, max-age=300' }],
    ['an answer with a lifetime to guess', { 'last-modified': served }],
  ])('ignores %s', (_what, headers) => {
    const clock = new ServerClock();
    clock.observe(answer({ date: served, ...headers }), device);
    expect(clock.now(device)).toBe(device);
  });

  it('ignores an answer without a readable Date', () => {
    const clock = new ServerClock();
    clock.observe(answer({}), device);
    clock.observe(answer({ date: 'yesterday' }), device);
    expect(clock.now(device)).toBe(device);
  });
});
