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
    scrub = jest.fn(async (_through: bigint): Promise<void> => {
      throw new ScrubHeld('session 4242, client backend');
    });
    const buffer = { committedThrough: async () => 100n, scrubSealed: scrub };
    batch = jest.fn(async () => null);
    const prisma = { $transaction: batch };
    const env = { SEAL_WINDOW_SECONDS: 60, SEAL_MIN_MEMBERS: 8, SEAL_MAX_WAIT_SECONDS: 21_600 };
    sealer = new Sealer(
      prisma as unknown as PrismaService,
      buffer as unknown as WriteBuffer,
      env as Environment,
    );
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
