import { Logger } from '@nestjs/common';
import type { Environment } from '@bridgenotes/config';
import type { PrismaService } from '@bridgenotes/database';

import { Sealer } from './sealer.service';
import { ScrubHeld, type WriteBuffer } from './write-buffer.service';

/**
 * When a held scrub becomes an error: the sealer's own bookkeeping, alone. What holds a scrub,
 * and that a held one leaves the files as they were, is specified on a real database
 * (sealed-writes-at-rest.spec.ts); here the buffer answers as told, and nothing is due.
 */
/**
 * A sealer with SEAL_WINDOW_SECONDS `window` over a buffer whose scrub is held until told, and
 * whose batches store nothing unless told; each transaction id it takes is newer.
 */
function fakeSealer(window: number) {
  const scrub = jest.fn(async (_through: bigint): Promise<void> => {
    throw new ScrubHeld('session 4242, client backend');
  });
  let xid = 99n;
  const buffer = { committedThrough: async () => (xid += 1n), scrubSealed: scrub };
  const batch = jest.fn(async (): Promise<{ sealed: number; transaction: bigint } | null> => null);
  const prisma = { $transaction: batch };
  const env = { SEAL_WINDOW_SECONDS: window, SEAL_MIN_MEMBERS: 8, SEAL_MAX_WAIT_SECONDS: 21_600 };
  const sealer = new Sealer(
    prisma as unknown as PrismaService,
    buffer as unknown as WriteBuffer,
    env as Environment,
  );
  return { sealer, scrub, batch };
}

describe('a scrub held by an older transaction', () => {
  const MINUTE = 60_000;
  let now = 0;
  let scrub: jest.Mock<Promise<void>, [bigint]>;
  /** The batch a check stores: none due, unless told. */
  let batch: jest.Mock<Promise<{ sealed: number; transaction: bigint } | null>, []>;
  let sealer: Sealer;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    now = Date.parse('2026-12-06T12:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    ({ sealer, scrub, batch } = fakeSealer(60));
  });

  afterEach(() => jest.restoreAllMocks());

  const logged = () => ({
    warnings: warn.mock.calls.map(([message]) => String(message)),
    errors: error.mock.calls.map(([message]) => String(message)),
  });

  it('is a warning naming the holder for an hour, then an error at every check until it succeeds', async () => {
    await sealer.sealDue();
    now += 59 * MINUTE;
    await sealer.sealDue();
    expect(logged()).toEqual({
      warnings: Array(2).fill(
        'scrubbing sealed writes failed: a transaction older than the sealed batch may still read its rows (session 4242, client backend)',
      ),
      errors: [],
    });
    expect(scrub.mock.calls).toEqual([[100n], [100n]]);

    now += MINUTE;
    await sealer.sealDue();
    now += 5 * MINUTE;
    await sealer.sealDue();
    expect(logged().errors).toEqual([
      expect.stringMatching(/its rows \(session 4242, client backend\), for 60 minutes: end it/),
      expect.stringMatching(/, for 65 minutes: end it to scrub the sealed writes$/),
    ]);

    // Done: nothing owed, nothing tried; held again later, it is timed from then.
    scrub.mockResolvedValueOnce(undefined);
    await sealer.sealDue();
    await sealer.sealDue();
    expect(scrub).toHaveBeenCalledTimes(5);
    expect(logged().warnings).toHaveLength(2);
    expect(logged().errors).toHaveLength(2);
  });

  it('is timed again from its next hold once a scrub succeeded', async () => {
    await sealer.sealDue();
    now += 90 * MINUTE;
    scrub.mockResolvedValueOnce(undefined);
    await sealer.sealDue();
    // A later batch's scrub held: a warning, not the earlier hold's error.
    batch.mockResolvedValueOnce({ sealed: 3, transaction: 200n });
    now += MINUTE;
    await expect(sealer.sealDue()).resolves.toBe(3);
    expect(scrub.mock.calls.at(-1)).toEqual([200n]);
    expect(logged()).toEqual({
      warnings: [
        expect.stringContaining('(session 4242'),
        expect.stringContaining('(session 4242'),
      ],
      errors: [],
    });
  });
});

/**
 * Immediate mode's checks (SEAL_WINDOW_SECONDS=0): at start, then every minute until what a
 * process with a window left is stored and scrubbed; a write sealed in its request is not
 * scrubbed. The stores and scrubs themselves are specified on a real database
 * (immediate-start.spec.ts).
 */
describe('immediate mode', () => {
  let fake: ReturnType<typeof fakeSealer>;
  let every: jest.SpyInstance;
  let cleared: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    every = jest.spyOn(global, 'setInterval');
    cleared = jest.spyOn(global, 'clearInterval');
    fake = fakeSealer(0);
  });

  afterEach(async () => {
    await fake.sealer.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  /** Starts the sealer; answers its timer's check, and waits for the first check to end. */
  async function start(): Promise<() => Promise<void>> {
    fake.sealer.onApplicationBootstrap();
    const [check, ms] = every.mock.calls[0] as [() => void, number];
    expect(ms).toBe(60_000);
    // The fakes answer at once: the check is done once the pending callbacks have run.
    const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
    await settled();
    return async () => {
      check();
      await settled();
    };
  }

  const timerStopped = () =>
    cleared.mock.calls.some(([timer]) => timer === every.mock.results[0]?.value);

  it('retries the scrub it owes from its start every minute while held, then stops checking', async () => {
    fake.batch.mockResolvedValueOnce({ sealed: 2, transaction: 150n });
    const check = await start();
    // Everything waiting stored, then scrubbed through its batch.
    expect(fake.batch).toHaveBeenCalledTimes(1);
    expect(fake.scrub.mock.calls).toEqual([[150n]]);
    // Only the scrub is retried: what waits now is a live process's.
    await check();
    expect(fake.batch).toHaveBeenCalledTimes(1);
    expect(fake.scrub.mock.calls).toEqual([[150n], [150n]]);
    expect(timerStopped()).toBe(false);

    fake.scrub.mockResolvedValueOnce(undefined);
    await check();
    expect(timerStopped()).toBe(true);
  });

  it('scrubs through a bound taken afresh after a store that failed', async () => {
    fake.batch.mockRejectedValueOnce(new Error('connection lost'));
    const check = await start();
    expect(fake.scrub.mock.calls).toEqual([[100n]]);
    // Meanwhile a request may have sealed its community's leftovers: the bound moves past it.
    await check();
    expect(fake.scrub.mock.calls).toEqual([[100n], [101n]]);
    // Every write left stored since: the bound stays, as the scrub's holders are judged by it.
    await check();
    expect(fake.batch).toHaveBeenCalledTimes(2);
    expect(fake.scrub.mock.calls.at(-1)).toEqual([101n]);
  });

  it('answers a write whose seal failed in its request, and stores it at the next check, armed again', async () => {
    fake.scrub.mockResolvedValueOnce(undefined);
    await start();
    expect(timerStopped()).toBe(true);
    fake.batch.mockRejectedValueOnce(new Error('lock timeout'));
    await expect(fake.sealer.afterSubmit('community')).resolves.toBeUndefined();
    // Armed again: its check stores every write waiting, scrubs none, and stops once it did.
    expect(every).toHaveBeenCalledTimes(2);
    const [check, ms] = every.mock.calls[1] as [() => void, number];
    expect(ms).toBe(60_000);
    const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
    fake.batch.mockRejectedValueOnce(new Error('lock timeout'));
    check();
    await settled();
    // Failed again: retried at the next check.
    expect(fake.batch).toHaveBeenCalledTimes(3);
    expect(cleared.mock.calls.some(([timer]) => timer === every.mock.results[1]?.value)).toBe(
      false,
    );
    fake.batch.mockResolvedValueOnce({ sealed: 1, transaction: 300n });
    check();
    await settled();
    expect(fake.batch).toHaveBeenCalledTimes(4);
    expect(fake.scrub).toHaveBeenCalledTimes(1);
    expect(cleared.mock.calls.some(([timer]) => timer === every.mock.results[1]?.value)).toBe(true);
  });

  it('seals a write in its request without scrubbing', async () => {
    fake.scrub.mockResolvedValueOnce(undefined);
    await start();
    expect(timerStopped()).toBe(true);
    fake.batch.mockResolvedValueOnce({ sealed: 1, transaction: 300n });
    await fake.sealer.afterSubmit('community');
    expect(fake.batch).toHaveBeenCalledTimes(2);
    expect(fake.scrub).toHaveBeenCalledTimes(1);
  });
});
