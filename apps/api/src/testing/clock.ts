import type { TestingModuleBuilder } from '@nestjs/testing';

import { Clock } from '../app/common/clock';

/**
 * A clock a test sets: it stays at `at` (ms) until moved. In the middle of an hour by default
 * (`midHour`), far from the rate-limit key's rotation and from midnight, whenever the test runs.
 */
export class TestClock extends Clock {
  constructor(public at = midHour()) {
    super();
  }

  override now(): number {
    return this.at;
  }

  /** A `createTestApp` override that puts this clock in the app. */
  readonly install = (builder: TestingModuleBuilder): TestingModuleBuilder =>
    builder.overrideProvider(Clock).useValue(this);
}

/** Half past the current UTC hour (of `ms`, by default now). */
function midHour(ms = Date.now()): number {
  const hour = 60 * 60_000;
  return Math.floor(ms / hour) * hour + hour / 2;
}

/**
 * Runs `run` with this process's Date at `now` (ms) while its timers run as ever: the moment
 * that what reads `Date` rather than the `Clock` sees (a proof's freshness, a time it records).
 */
export async function atProcessTime<T>(now: number, run: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    return await run();
  } finally {
    jest.useRealTimers();
  }
}
