import { h } from '@bridgenotes/widget';
import type { Note, SideTally } from '../shared/instance';
import { t } from '../shared/strings';

function age(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || 'en', {
    numeric: 'auto',
  });
  if (Math.abs(minutes) < 60) return format.format(-minutes, 'minute');
  if (Math.abs(minutes) < 60 * 48) return format.format(-Math.round(minutes / 60), 'hour');
  if (Math.abs(minutes) < 60 * 24 * 60) return format.format(-Math.round(minutes / 1440), 'day');
  return format.format(-Math.round(minutes / 43_200), 'month');
}

export function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const share = (side: SideTally) =>
  side.raters > 0 ? Math.round((100 * side.helpful) / side.raters) : 0;

function whyShown(note: Note): string {
  const one = note.score?.negativeFactorRaters;
  const other = note.score?.positiveFactorRaters;
  if (!one || !other) return t('whyShown');
  return `${t('whyShown')}: ${t('sideShare', {
    share: share(one),
    count: one.raters,
    other: share(other),
    otherCount: other.raters,
  })}`;
}

/**
 * The note's heading, as the widget's: a shown note says what readers added; one that needs
 * ratings says it is only proposed, so it is never mistaken for context readers agreed on.
 */
function heading(note: Note, shown: boolean): string {
  const misleading = note.classification !== 'NOT_MISLEADING';
  if (!shown) return misleading ? t('proposedMisleading') : t('proposedNotMisleading');
  return misleading ? t('misleading') : t('notMisleading');
}

/** A note as the widget shows it: kind, text, sources (http(s) only), age, why it is shown. */
export function noteView(note: Note, shown: boolean, ownNote: boolean): HTMLElement {
  const headingId = `note-${note.id}`;
  const links = note.sources.map(httpUrl).filter((url): url is URL => url !== null);
  return h(
    'article',
    {
      class: `note ${shown ? 'shown' : 'proposed'}`,
      'aria-labelledby': headingId,
      'data-note': note.id,
    },
    h('h3', { id: headingId, class: 'kind' }, heading(note, shown)),
    ownNote && h('p', { class: 'own' }, t('yourNote')),
    // A redacted note's text and sources are empty: say why rather than show nothing.
    h('p', { class: 'text' }, note.redacted ? t('redacted') : note.text),
    links.length > 0 &&
      h(
        'ul',
        { class: 'sources', 'aria-label': t('sources') },
        ...links.map((url) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: url.href, rel: 'nofollow noopener noreferrer ugc', target: '_blank' },
              url.host + (url.pathname === '/' ? '' : url.pathname),
            ),
          ),
        ),
      ),
    h(
      'p',
      { class: 'meta' },
      h('time', { datetime: note.createdAt }, age(note.createdAt)),
      shown && ` · ${whyShown(note)}`,
    ),
  );
}
