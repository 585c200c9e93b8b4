// One note as readers see it: a shown note says why it is shown; a proposed one (needing
// ratings) says it is only proposed, so it is never mistaken for context readers agreed on.
import type { NoteResponse, ScoreSide } from '@bridgenotes/protocol';

import { h, nextId } from '../dom';
import { age, formatPercent, t } from '../i18n';
import { decidingModel, needsRatingsExplanation } from './explanation';

function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const share = (side: ScoreSide) => (side.raters > 0 ? side.helpful / side.raters : 0);

function whyShown(note: NoteResponse): string {
  const one = note.score?.negativeFactorRaters;
  const other = note.score?.positiveFactorRaters;
  const model = decidingModel(note);
  const sides =
    one && other
      ? `: ${t('sideShare', {
          share: formatPercent(share(one)),
          count: one.raters,
          other: formatPercent(share(other)),
          otherCount: other.raters,
        })}`
      : '';
  return `${t('whyShown')}${sides}${model ? `. ${model}.` : ''}`;
}

function heading(note: NoteResponse, kind: 'shown' | 'proposed'): string {
  const misleading = note.classification !== 'NOT_MISLEADING';
  if (kind === 'proposed') return misleading ? t('proposedMisleading') : t('proposedNotMisleading');
  return misleading ? t('misleading') : t('notMisleading');
}

export function noteCard(note: NoteResponse, kind: 'shown' | 'proposed'): HTMLElement {
  const headingId = nextId('note');
  const links = note.sources.map(httpUrl).filter((url): url is URL => url !== null);
  return h(
    'article',
    { class: `note ${kind}`, 'aria-labelledby': headingId, 'data-note-id': note.id },
    // Shown notes sit under the widget's heading, proposed ones under their section's.
    h(kind === 'shown' ? 'h3' : 'h4', { id: headingId, class: 'kind' }, heading(note, kind)),
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
              { href: url.href, rel: 'nofollow noopener ugc', target: '_blank' },
              url.host + (url.pathname === '/' ? '' : url.pathname),
            ),
          ),
        ),
      ),
    h(
      'p',
      { class: 'meta' },
      h('time', { datetime: note.createdAt }, age(note.createdAt)),
      kind === 'shown' && ` · ${whyShown(note)}`,
    ),
    kind === 'proposed' && needsRatingsExplanation(note),
  );
}
