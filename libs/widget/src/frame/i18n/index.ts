// The frame's languages: the `locale` the host asks for (the element's `locale` attribute),
// else the browser's languages, else English. Strings come from the catalogues, numbers and
// times through `Intl` in the same locale.
import { EN, EN_LABELS, StringKey } from './en';
import { FR, FR_LABELS } from './fr';

export type { StringKey } from './en';

const CATALOGUES: Record<
  string,
  { strings: Record<StringKey, string>; labels: Record<string, string> }
> = {
  en: { strings: EN, labels: EN_LABELS },
  fr: { strings: FR, labels: FR_LABELS },
};

/** The first of the wanted languages the frame speaks (by primary subtag), else English. */
export function pickLocale(wanted: readonly (string | null | undefined)[]): string {
  for (const tag of wanted) {
    const language = tag?.toLowerCase().split('-')[0];
    if (language && Object.hasOwn(CATALOGUES, language)) return language;
  }
  return 'en';
}

let locale = 'en';

export function useLocale(tag: string): void {
  locale = tag;
  document.documentElement.lang = tag;
}

export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  const text = CATALOGUES[locale].strings[key] ?? EN[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    return typeof value === 'number' ? formatNumber(value) : String(value ?? '');
  });
}

export const label = (name: string): string =>
  CATALOGUES[locale].labels[name] ?? EN_LABELS[name] ?? name;

/** Whether `count` takes the singular in the frame's language (French: 0 and 1, English: 1). */
export const isOne = (count: number): boolean =>
  new Intl.PluralRules(locale).select(count) === 'one';

export const formatNumber = (value: number): string => new Intl.NumberFormat(locale).format(value);

/** `items` as one phrase in the frame's language: "A, B and C", « A, B et C ». */
export const formatList = (items: readonly string[]): string =>
  new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);

export const formatPercent = (share: number): string =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** "3 minutes ago", "yesterday", in the frame's language. */
export function age(iso: string, now = Date.now()): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return format.format(-minutes, 'minute');
  if (Math.abs(minutes) < 60 * 48) return format.format(-Math.round(minutes / 60), 'hour');
  if (Math.abs(minutes) < 60 * 24 * 60) return format.format(-Math.round(minutes / 1440), 'day');
  return format.format(-Math.round(minutes / 43_200), 'month');
}
