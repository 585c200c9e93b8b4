import { nextRatingMinute } from './rating-order';

describe('nextRatingMinute', () => {
  const at = new Date('2026-04-06T12:34:10Z');
  const now = 29_591_314;

  it('is the current minute for a first rating or after an older one', () => {
    expect(nextRatingMinute(at)).toBe(now);
    expect(nextRatingMinute(at, now - 3)).toBe(now);
  });

  it('is the minute after a stored rating of this minute or a later one', () => {
    expect(nextRatingMinute(at, now)).toBe(now + 1);
    expect(nextRatingMinute(at, now + 2)).toBe(now + 3);
  });
});
