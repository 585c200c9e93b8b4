import { Injectable } from '@nestjs/common';

/**
 * The time where the API crosses a boundary on purpose: the hour that keys the rate-limit
 * buckets (ClientKeys), the UTC day a write quota counts on, and the 10-minute period of a join's
 * proof-of-work. A provider so that a test fixes it (`overrideProvider(Clock)`) instead of racing
 * the boundary; everything else reads `Date.now()`.
 */
@Injectable()
export class Clock {
  /** Milliseconds since 1970-01-01 UTC, as `Date.now()`. */
  now(): number {
    return Date.now();
  }
}
