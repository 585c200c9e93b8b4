import { Injectable } from '@nestjs/common';

/**
 * The time where the API crosses a calendar boundary on purpose: the hour that keys the
 * rate-limit buckets (ClientKeys) and the UTC day a write quota counts on. A provider so that a
 * test fixes it (`overrideProvider(Clock)`) instead of racing the top of the hour or midnight;
 * everything else reads `Date.now()`.
 */
@Injectable()
export class Clock {
  /** Milliseconds since 1970-01-01 UTC, as `Date.now()`. */
  now(): number {
    return Date.now();
  }
}
