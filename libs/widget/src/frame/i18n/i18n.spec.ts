import { EN, EN_LABELS } from './en';
import { FR, FR_LABELS } from './fr';
import { pickLocale } from './index';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('languages', () => {
  it('follow the locale asked for, else the browser languages in order, else English', () => {
    expect(pickLocale(['fr', 'en-US'])).toBe('fr');
    expect(pickLocale([null, 'de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLocale([undefined, 'EN-gb'])).toBe('en');
    expect(pickLocale(['de', 'es'])).toBe('en');
  });

  it('are complete in French: every string with the same placeholders, every label', () => {
    for (const key of Object.keys(EN) as (keyof typeof EN)[]) {
      expect([key, placeholders(FR[key])]).toEqual([key, placeholders(EN[key])]);
      expect(FR[key].trim()).not.toBe('');
    }
    expect(Object.keys(FR_LABELS).sort()).toEqual(Object.keys(EN_LABELS).sort());
  });
});
