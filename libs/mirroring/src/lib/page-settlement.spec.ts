import { keepStorable } from './page-settlement';

describe('keepStorable', () => {
  it('refuses a second record under an id the page already gave, as RECORD_INVALID', () => {
    const refused: [string, string, string][] = [];
    const page = [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'a', n: 3 },
    ];
    const kept = keepStorable(
      page,
      'request',
      () => undefined,
      (...args) => void refused.push(args),
    );
    expect(kept).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
    expect(refused).toEqual([
      [
        'request a',
        'RECORD_INVALID',
        'this instance cannot store the request: its id is on the page twice',
      ],
    ]);
  });
});
