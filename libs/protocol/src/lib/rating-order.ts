import { CLOCK_SKEW_MINUTES } from './constants';
import { minuteOf } from './hashing';

/**
 * The `clientMinute` of a member's new choice on a note it has rated before: now, or the minute
 * after the stored rating when that is not earlier. Ratings are ordered by minute alone (an
 * older proof of the same minute could be replayed by anyone), so changing one's mind within a
 * minute needs the next minute to win. The server accepts minutes up to `CLOCK_SKEW_MINUTES`
 * ahead of its clock, which bounds how many changes fit in one minute.
 *
 * @param storedMinute the stored rating's minute, when the client knows it (its own record, or
 *   `details.storedClientMinute` of a `409 RATING_OUTDATED` answer).
 */
export function nextRatingMinute(now: Date | number, storedMinute?: number): number {
  const current = minuteOf(now);
  return storedMinute === undefined ? current : Math.max(current, storedMinute + 1);
}

/** The most a rating is sent (proven) in all by `sendRating`: the first send and two re-proofs. */
export const RATING_SENDS = 3;

/**
 * Sends a rating, proving it again with the minute after the stored one while the API answers
 * `409 RATING_OUTDATED` naming a later and later stored minute. A re-proof at the sealed
 * rating's minute + 1 may meet the member's own newer waiting rating and be refused a second
 * time, naming that later minute (docs/protocol.md, "The order of a member's ratings"); a
 * refusal whose minute does not increase, whose next minute would be past the clock window
 * (`CLOCK_SKEW_MINUTES` ahead), or the `RATING_SENDS`th, is thrown.
 *
 * @param outdatedMinute `details.storedClientMinute` of a `409 RATING_OUTDATED` error; undefined
 *   for any other error (thrown as it is).
 */
export async function sendRating<T>(
  send: (clientMinute: number) => Promise<T>,
  options: {
    outdatedMinute: (error: unknown) => number | undefined;
    /** The minute of the member's rating the client knows of (its own record). */
    knownMinute?: number;
    now?: () => Date | number;
  },
): Promise<T> {
  const now = options.now ?? Date.now;
  let minute = nextRatingMinute(now(), options.knownMinute);
  let lastStored: number | undefined;
  for (let sends = 1; ; sends++) {
    try {
      return await send(minute);
    } catch (error) {
      const stored = options.outdatedMinute(error);
      if (stored === undefined || sends >= RATING_SENDS) throw error;
      if (lastStored !== undefined && stored <= lastStored) throw error;
      lastStored = stored;
      minute = nextRatingMinute(now(), stored);
      // A minute past the server's clock window would only be refused as stale, a proof spent
      // for nothing: the member's own ratings are that far ahead, the refusal is theirs to see.
      if (minute > minuteOf(now()) + CLOCK_SKEW_MINUTES) throw error;
    }
  }
}
