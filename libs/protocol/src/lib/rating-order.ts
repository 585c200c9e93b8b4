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
