// Why a note has its status, in the reader's language: for a note that needs ratings, what is
// still missing and from which side of the raters; for a shown note, which model decided. Built
// from the API's structured explanation (its English `headline` and `detail` serve API clients),
// never showing a field name.
import type { NoteResponse, ScoringRegime, ViewpointRatingsResponse } from '@bridgenotes/protocol';

import { h } from '../dom';
import { formatPercent, StringKey, t } from '../i18n';

/** Every scorer a `score.decidingModel` can name (the API's `NoteResponse.score`), in plain words. */
const MODELS: Record<string, StringKey> = {
  CoreModel: 'modelCore',
  CoreWithTopicsModel: 'modelCoreWithTopics',
  ExpansionModel: 'modelExpansion',
  ExpansionPlusModel: 'modelExpansionPlus',
  GaussianModel: 'modelGaussian',
  GaussianCoreWithTopicsModel: 'modelGaussianCoreWithTopics',
  SmallCommunityModel: 'modelSmallCommunity',
  TopicModel: 'modelTopic',
};

/** "Decided by …", or null when the score names no model this frame knows. */
export function decidingModel(note: NoteResponse): string | null {
  const model = MODELS[String(note.score?.['decidingModel'] ?? '')];
  return model ? t(model) : null;
}

const needed = (count: number | null): string | number => count ?? t('manyMore');

/** The sentence naming what a note that needs ratings lacks (the API's rules, in words). */
export function needsRatingsReason(
  note: NoteResponse,
  one: ViewpointRatingsResponse,
  other: ViewpointRatingsResponse,
): string {
  const score = note.score ?? {};
  if (score['decidedBy'] === 'ScoringDriftGuard') return t('explainLocked');
  if (score['decidedBy'] === 'InsufficientExplanation') {
    return t(
      score['preStabilizationStatus'] === 'CURRENTLY_RATED_NOT_HELPFUL'
        ? 'explainTagsNotHelpful'
        : 'explainTagsHelpful',
    );
  }
  if (note.classification === 'NOT_MISLEADING') return t('explainNotMisleading');
  if (score['decidedBy'] === 'NmrDueToMinStableCrhTime') return t('explainHeld');
  if (score['decidedBy'] === 'TopicModel') return t('explainTopicModel');
  const total = (score['missing'] as { ratingsNeeded?: number } | undefined)?.ratingsNeeded ?? 0;
  if (total > 0) return t('explainRatingsNeeded', { count: total });
  const [a, b] = [one.helpfulRatingsNeeded, other.helpfulRatingsNeeded];
  if (a === 0 && b === 0) return t('explainBothLean');
  if (a === 0 || b === 0) {
    const lacking = a === 0 ? other : one;
    return t(lacking.ratings === 0 ? 'explainUnratedSide' : 'explainOneSide', {
      count: needed(lacking.helpfulRatingsNeeded),
    });
  }
  return t('explainBothSides', { one: needed(a), other: needed(b) });
}

/** One side's line: its ratings, or that none came from it yet, and what it still needs. */
export function viewpointText(
  side: ViewpointRatingsResponse,
  index: number,
  locked: boolean,
): string {
  const name = t(index === 0 ? 'viewpointOne' : 'viewpointOther');
  const ratings =
    side.ratings === 0
      ? t('viewpointUnrated')
      : t('viewpointRatings', {
          share: formatPercent(side.helpfulShare ?? 0),
          count: side.ratings,
          helpful: side.helpful,
          somewhat: side.somewhatHelpful,
          notHelpful: side.notHelpful,
        });
  const need = side.helpfulRatingsNeeded;
  const line = t('viewpointLine', { name, ratings });
  return need !== 0 && !locked ? `${line} · ${t('viewpointNeeds', { count: needed(need) })}` : line;
}

/** Ratings from members on neither side (whose viewpoint is not known yet); null when none. */
export function unknownViewpointsText(note: NoteResponse): string | null {
  const count = note.explanation?.ratingsWithoutViewpoint ?? 0;
  if (count <= 0) return null;
  const regime = (note.score?.['missing'] as { regime?: ScoringRegime } | undefined)?.regime;
  return t(regime === 'small-community' ? 'viewpointUnknown' : 'viewpointUnknownCore', { count });
}

/** The explanation under a note that needs ratings; null before its first scoring. */
export function needsRatingsExplanation(note: NoteResponse): HTMLElement | null {
  const [one, other] = note.explanation?.viewpoints ?? [];
  if (!one || !other) return null;
  // A locked status no longer moves: what each side "still needs" would mislead.
  const locked = note.score?.['decidedBy'] === 'ScoringDriftGuard';
  const unknown = unknownViewpointsText(note);
  return h(
    'div',
    { class: 'explanation' },
    h(
      'p',
      {},
      h('strong', {}, t(locked ? 'lockedHeadline' : 'explainHeadline')),
      ` ${needsRatingsReason(note, one, other)}`,
    ),
    h(
      'ul',
      { 'aria-label': t('viewpoints') },
      h('li', {}, viewpointText(one, 0, locked)),
      h('li', {}, viewpointText(other, 1, locked)),
      unknown !== null && h('li', {}, unknown),
    ),
  );
}
