import { nextRatingMinute, RATING_SENDS, sendRating } from './rating-order';

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

describe('sendRating', () => {
  const at = new Date('2026-04-06T12:34:10Z');
  const now = 29_591_314;
  const outdated = (storedClientMinute: number) =>
    Object.assign(new Error('RATING_OUTDATED'), { storedClientMinute });
  const outdatedMinute = (error: unknown) =>
    (error as { storedClientMinute?: number }).storedClientMinute;

  it('proves again while the refusals name later minutes, and lands on the third send', async () => {
    // The sealed rating is of now + 1, the member's own waiting one of now + 4.
    const answers = [outdated(now + 1), outdated(now + 4)];
    const sent: number[] = [];
    const landed = await sendRating(
      async (minute) => {
        sent.push(minute);
        const refusal = answers.shift();
        if (refusal) throw refusal;
        return minute;
      },
      { outdatedMinute, now: () => at },
    );
    expect(sent).toEqual([now, now + 2, now + 5]);
    expect(landed).toBe(now + 5);
  });

  it('throws a refusal whose minute does not increase rather than proving again', async () => {
    const sent: number[] = [];
    await expect(
      sendRating(
        async (minute) => {
          sent.push(minute);
          throw outdated(now + 1);
        },
        { outdatedMinute, knownMinute: now - 1, now: () => at },
      ),
    ).rejects.toMatchObject({ storedClientMinute: now + 1 });
    expect(sent).toEqual([now, now + 2]);
  });

  it('throws a refusal whose next minute would be past the clock window rather than proving', async () => {
    // The member's own waiting rating is 10 minutes ahead: the minute after it would be stale.
    const answers = [outdated(now + 1), outdated(now + 10)];
    const sent: number[] = [];
    await expect(
      sendRating(
        async (minute) => {
          sent.push(minute);
          throw answers.shift();
        },
        { outdatedMinute, now: () => at },
      ),
    ).rejects.toMatchObject({ storedClientMinute: now + 10 });
    expect(sent).toEqual([now, now + 2]);
  });

  it(`sends at most ${RATING_SENDS} times, and throws any other error at once`, async () => {
    let sends = 0;
    await expect(
      sendRating(
        async () => {
          sends++;
          throw outdated(now + sends);
        },
        { outdatedMinute, now: () => at },
      ),
    ).rejects.toMatchObject({ storedClientMinute: now + RATING_SENDS });
    expect(sends).toBe(RATING_SENDS);

    let others = 0;
    const other = new Error('UNAVAILABLE');
    await expect(
      sendRating(
        async () => {
          others++;
          throw other;
        },
        { outdatedMinute, now: () => at },
      ),
    ).rejects.toBe(other);
    expect(others).toBe(1);
  });
});
