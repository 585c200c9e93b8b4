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

/**
 * "Rated helpful by people who usually disagree", with each side's helpful share and ratings as
 * the deciding regime counted them (the explanation's viewpoints: the opinion groups in a small
 * community, where the Core's sides are empty), else the Core's sides; no shares when a side has
 * none to give.
 */
function sideShares(note: NoteResponse): string {
  const [one, other] = note.explanation?.viewpoints ?? [];
  const fromScore = (side: ScoreSide | undefined) =>
    side && side.raters > 0 ? { share: side.helpful / side.raters, count: side.raters } : null;
  const sides =
    one && other
      ? [one, other].map((side) =>
          side.helpfulShare === null ? null : { share: side.helpfulShare, count: side.ratings },
        )
      : [fromScore(note.score?.negativeFactorRaters), fromScore(note.score?.positiveFactorRaters)];
  const [a, b] = sides;
  if (!a || !b) return '';
  return `: ${t('sideShare', {
    share: formatPercent(a.share),
    count: a.count,
    other: formatPercent(b.share),
    otherCount: b.count,
  })}`;
}

/** Why a shown note is shown: the sides' shares, the deciding model, a lock. */
export function whyShown(note: NoteResponse): string {
  const model = decidingModel(note);
  const why = `${t('whyShown')}${sideShares(note)}${model ? `. ${model}.` : ''}`;
  if (note.score?.['decidedBy'] !== 'ScoringDriftGuard') return why;
  return `${why}${model ? '' : '.'} ${t('explainLocked')}`;
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
