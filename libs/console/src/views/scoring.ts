import type { CommunityOverviewResponse as Overview, ScoringRegime } from '@bridgenotes/protocol';

import { api, communityPath } from '../api';
import { factorHistogram, groupPlane, growth, notePlane } from '../charts';
import { h, loaded, table } from '../dom';
import type { Context } from '../context';
import { factorsCaption, noRegimeText } from './latest-run';

interface Run {
  id: string;
  status: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  noteCount: number | null;
  ratingCount: number | null;
  regime?: ScoringRegime | null;
  statusCounts?: Record<string, number> | null;
  /** A FAILED run's reason: a code and its fixed message, never the worker's own text. */
  errorCode: string | null;
  error: string | null;
}

const seconds = (run: Run) =>
  run.startedAt && run.finishedAt
    ? `${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`
    : '';

/** Runs, current counts, the notes' plane and the raters' histogram: how bridging decides. */
export async function scoringView(context: Context): Promise<HTMLElement> {
  const section = h(
    'section',
    { 'aria-labelledby': 'scoring-title' },
    h('h2', { id: 'scoring-title' }, 'Scoring'),
  );
  const community = context.community;
  if (!community) return section;
  // Each read that fails says so where its data would be, never as an empty table.
  const shown = await Promise.all([
    loaded(
      context,
      'The overview',
      () => api<Overview>('GET', communityPath(community.slug, '/overview')),
      (overview) =>
        h(
          'div',
          {},
          table('Notes per status now', Object.keys(overview.statusCounts), [
            Object.values(overview.statusCounts),
          ]),
          ...decidedBy(overview),
        ),
    ),
    loaded(
      context,
      'The scoring runs',
      () => api<{ items: Run[] }>('GET', communityPath(community.slug, '/scoring-runs?limit=20')),
      (runs) => runsTable(runs.items),
    ),
  ]);
  section.append(...shown);
  return section;
}

function runsTable(runs: Run[]): HTMLElement {
  return table(
    'Scoring runs, newest first',
    [
      'requested',
      'status',
      'duration',
      'notes',
      'ratings',
      'regime',
      'helpful / not helpful / needs more',
      'why it failed',
    ],
    runs.map((run) => [
      utcTime(run.requestedAt),
      run.status,
      seconds(run),
      run.noteCount ?? '',
      run.ratingCount ?? '',
      run.regime ?? '',
      run.statusCounts
        ? `${run.statusCounts['CURRENTLY_RATED_HELPFUL']} / ${run.statusCounts['CURRENTLY_RATED_NOT_HELPFUL']} / ${run.statusCounts['NEEDS_MORE_RATINGS']}`
        : '',
      run.errorCode ? `${run.errorCode}: ${run.error}` : '',
    ]),
  );
}

/** An instant as a `time` element reading "2026-12-06 18:23:14 UTC", kept on one line. */
function utcTime(iso: string): HTMLElement {
  return h('time', { datetime: iso }, `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
}

/** What decided the notes in the latest run, in the terms of the regime that decided it. */
function decidedBy(overview: Overview): HTMLElement[] {
  const caption = factorsCaption(overview);
  const histogram = (): HTMLElement[] => [
    h('h3', {}, caption.title),
    ...(caption.note === null ? [] : [h('p', {}, caption.note)]),
    ...(caption.chart && overview.raterFactors ? [factorHistogram(overview.raterFactors)] : []),
  ];
  switch (overview.regime) {
    case 'small-community':
      return [
        h(
          'p',
          { class: 'regime' },
          'The latest run used the ',
          h('strong', {}, 'small-community'),
          ' regime: too few members have rated enough for the Core model, so two opinion groups, formed from a viewpoint fit of the ratings, decide each note.',
        ),
        h('h3', {}, "Notes by each opinion group's helpful share"),
        groupPlane(overview.groupNotes, overview.groupRule),
        ...histogram(),
      ];
    default:
      // The Core's figures: its regime, or no run yet (runs before the regimes were the Core's).
      return [
        overview.regime === 'core'
          ? h(
              'p',
              { class: 'regime' },
              'The latest run used the ',
              h('strong', {}, 'core'),
              ' regime: the Community Notes Core model decides each note by its intercept and factor.',
            )
          : h('p', { class: 'regime' }, noRegimeText(overview)),
        h('h3', {}, 'Notes on the intercept × factor plane'),
        notePlane(overview.notes, overview.thresholds),
        ...histogram(),
      ];
  }
}

/** Members: how many and how the group grew, never who. */
export async function membersView(context: Context): Promise<HTMLElement> {
  const section = h(
    'section',
    { 'aria-labelledby': 'members-title' },
    h('h2', { id: 'members-title' }, 'Members'),
  );
  const community = context.community;
  if (!community) return section;
  section.append(
    await loaded(
      context,
      'The overview',
      () => api<Overview>('GET', communityPath(community.slug, '/overview')),
      (overview) =>
        h(
          'div',
          {},
          h('p', { class: 'figure' }, `${overview.memberCount} current members`),
          growth(overview.memberGrowth),
        ),
    ),
  );
  return section;
}
