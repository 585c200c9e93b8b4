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

/**
 * Each side's helpful share and ratings as the deciding regime counted them (the explanation's
 * viewpoints: the opinion groups in a small community, where the Core's sides are empty), else
 * the Core's sides; null when a side has none to give.
 */
function sideShares(note: Note): [Side, Side] | null {
  const [one, other] = note.explanation?.viewpoints ?? [];
  const fromScore = (side: SideTally | undefined): Side | null =>
    side && side.raters > 0 ? { share: side.helpful / side.raters, count: side.raters } : null;
  const [a, b] =
    one && other
      ? [one, other].map((side) =>
          side.helpfulShare === null ? null : { share: side.helpfulShare, count: side.ratings },
        )
      : [fromScore(note.score?.negativeFactorRaters), fromScore(note.score?.positiveFactorRaters)];
  return a && b ? [a, b] : null;
}

interface Side {
  share: number;
  count: number;
}

function whyShown(note: Note): string {
  const sides = sideShares(note);
  const why = sides
    ? `${t('whyShown')}: ${t('sideShare', {
        share: Math.round(100 * sides[0].share),
        count: sides[0].count,
        other: Math.round(100 * sides[1].share),
        otherCount: sides[1].count,
      })}`
    : t('whyShown');
  return note.score?.decidedBy === 'ScoringDriftGuard' ? `${why}. ${t('locked')}` : why;
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
    // Why a proposed note is not shown yet, as the API says it (the panel speaks English).
    !shown &&
      note.explanation &&
      h(
        'p',
        { class: 'meta explanation' },
        `${note.explanation.headline}. ${note.explanation.detail}`,
      ),
  );
}
