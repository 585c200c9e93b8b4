import { HOUR_MS, startOfHour } from './hour';

describe('startOfHour', () => {
  const at = (iso: string) => Date.parse(iso);

  it('drops the minutes, seconds and milliseconds of a UTC time', () => {
    expect(startOfHour(at('2026-12-07T23:59:59.999Z'))).toEqual(
      new Date('2026-12-07T23:00:00.000Z'),
    );
    expect(startOfHour(at('2026-12-07T23:00:00.001Z'))).toEqual(
      new Date('2026-12-07T23:00:00.000Z'),
    );
  });

  it('keeps a time already on the hour', () => {
    expect(startOfHour(at('2026-12-08T00:00:00.000Z'))).toEqual(
      new Date('2026-12-08T00:00:00.000Z'),
    );
    expect(startOfHour(0)).toEqual(new Date(0));
  });

  it('rounds down before 1970 too', () => {
    expect(startOfHour(-1)).toEqual(new Date(-HOUR_MS));
  });

  it('reads the clock when given no time', () => {
    jest.useFakeTimers({ now: at('2026-12-07T10:42:17.345Z') });
    try {
      expect(startOfHour()).toEqual(new Date('2026-12-07T10:00:00.000Z'));
    } finally {
      jest.useRealTimers();
    }
  });
});
