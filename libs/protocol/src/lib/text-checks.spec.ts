import { findForbiddenCharacter, formatCodePoint, hasVisibleCharacter } from './text-checks';

describe('findForbiddenCharacter', () => {
  it.each([
    ['a\u0000b', 0x0],
    ['\ufdd0', 0xfdd0],
    ['x\ufffe', 0xfffe],
    ['\uffff', 0xffff],
    ['\u{1fffe}', 0x1fffe],
    ['\u{10ffff}', 0x10ffff],
    ['lone \ud800 high', 0xd800],
    ['lone \udc00 low', 0xdc00],
  ])('finds the forbidden code point in %j', (text, codePoint) => {
    expect(findForbiddenCharacter(text)).toBe(codePoint);
  });

  it.each(['plain', 'tab\tand\nnewline', 'emoji 👍🏽', 'مرحبا', '\ufeffbom', '\ufffd'])(
    'lets %j through',
    (text) => {
      expect(findForbiddenCharacter(text)).toBeUndefined();
    },
  );
});

describe('hasVisibleCharacter', () => {
  it.each([
    '',
    ' \t\n',
    '\u200b',
    '\u200b\u200c\u200d\u2060\ufeff',
    '\u3164\u115f\u1160\uffa0',
    '\u2800\u2800',
    '\u00a0\u3000\u2003',
    '\u0301\u0308',
    '\ufe0f\u{e0041}',
    '\u0001\u007f',
  ])('finds nothing visible in %j', (text) => {
    expect(hasVisibleCharacter(text)).toBe(false);
  });

  it.each(['a', ' . ', '\u200b7', '中', '🙂', 'é', '\u2800x', '$'])('sees %j', (text) => {
    expect(hasVisibleCharacter(text)).toBe(true);
  });
});

describe('formatCodePoint', () => {
  it('writes Unicode notation', () => {
    expect(formatCodePoint(0)).toBe('U+0000');
    expect(formatCodePoint(0x1fffe)).toBe('U+1FFFE');
  });
});
