import type {
  CoreThresholdsResponse,
  FactorHistogramResponse,
  GroupNotePointResponse,
  GroupRatingsResponse,
  NotePointResponse,
  OpinionGroupRuleResponse,
} from '@bridgenotes/protocol';

import { h, s, table } from './dom';

/** Drawn by hand in SVG: four small plots did not warrant a chart library's weight. */
const W = 560;
const H = 320;
const PAD = 44;

const STATUS_CLASS: Record<string, string> = {
  CURRENTLY_RATED_HELPFUL: 'helpful',
  CURRENTLY_RATED_NOT_HELPFUL: 'not-helpful',
  NEEDS_MORE_RATINGS: 'needs',
};

function axes(
  xLabel: string,
  yLabel: string,
  ticksX: [number, string][],
  ticksY: [number, string][],
) {
  return s(
    'g',
    { class: 'axes' },
    s('line', { x1: PAD, y1: H - PAD, x2: W - 8, y2: H - PAD }),
    s('line', { x1: PAD, y1: 8, x2: PAD, y2: H - PAD }),
    ...ticksX.map(([x, text]) => s('text', { x, y: H - PAD + 16, 'text-anchor': 'middle' }, text)),
    ...ticksY.map(([y, text]) => s('text', { x: PAD - 6, y: y + 4, 'text-anchor': 'end' }, text)),
    s('text', { x: (W + PAD) / 2, y: H - 6, 'text-anchor': 'middle' }, xLabel),
    s(
      'text',
      { x: 12, y: H / 2, transform: `rotate(-90 12 ${H / 2})`, 'text-anchor': 'middle' },
      yLabel,
    ),
  );
}

function figure(title: string, summary: string, plot: SVGElement, data: HTMLTableElement) {
  plot.setAttribute('viewBox', `0 0 ${W} ${H}`);
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', `${title}: ${summary}`);
  return h(
    'figure',
    {},
    plot,
    h('figcaption', {}, summary),
    h('details', {}, h('summary', {}, `${title}: the data`), data),
  );
}

/** Notes on the factor (x) × intercept (y) plane, with the Core model's thresholds. */
export function notePlane(notes: NotePointResponse[], t: CoreThresholdsResponse): HTMLElement {
  const fMax = Math.max(1, ...notes.map((n) => Math.abs(n.factor)));
  const iMin = Math.min(-0.6, ...notes.map((n) => n.intercept));
  const iMax = Math.max(0.8, ...notes.map((n) => n.intercept));
  const x = (f: number) => PAD + ((f + fMax) / (2 * fMax)) * (W - 8 - PAD);
  const y = (i: number) => 8 + ((iMax - i) / (iMax - iMin)) * (H - PAD - 8);
  const crnh = (f: number) => t.notHelpfulIntercept + t.notHelpfulFactorSlope * Math.abs(f);
  // The V line ends where it leaves the plot at the bottom, or at its sides.
  const vEnd =
    t.notHelpfulFactorSlope < 0
      ? Math.min(fMax, (iMin - t.notHelpfulIntercept) / t.notHelpfulFactorSlope)
      : fMax;
  const plot = s(
    'svg',
    { class: 'chart' },
    axes(
      'note factor (viewpoint)',
      'note intercept (helpfulness)',
      [-fMax, 0, fMax].map((f) => [x(f), f.toFixed(1)]),
      [iMin, 0, t.helpfulIntercept, iMax].map((i) => [y(i), i.toFixed(2)]),
    ),
    s('path', {
      class: 'threshold helpful',
      d: `M${x(-t.helpfulMaxFactor)},${y(iMax)} V${y(t.helpfulIntercept)} H${x(t.helpfulMaxFactor)} V${y(iMax)}`,
    }),
    s('path', {
      class: 'threshold not-helpful',
      d: `M${x(-vEnd)},${y(crnh(vEnd))} L${x(0)},${y(crnh(0))} L${x(vEnd)},${y(crnh(vEnd))}`,
    }),
    ...notes.map((n) =>
      s('circle', {
        class: `dot ${STATUS_CLASS[n.status] ?? ''}`,
        cx: x(n.factor),
        cy: y(n.intercept),
        r: 4,
      }),
    ),
  );
  const counts = notes.reduce<Record<string, number>>(
    (all, n) => ({ ...all, [n.status]: (all[n.status] ?? 0) + 1 }),
    {},
  );
  const summary =
    `${notes.length} scored notes` +
    Object.entries(counts)
      .map(([status, count]) => `, ${count} ${status}`)
      .join('') +
    `. Helpful needs intercept ≥ ${t.helpfulIntercept} and |factor| < ${t.helpfulMaxFactor} (box); not helpful: intercept ≤ ${t.notHelpfulIntercept} ${t.notHelpfulFactorSlope} × |factor| (V line).`;
  const data = table(
    'Scored notes',
    ['factor', 'intercept', 'status'],
    notes.map((n) => [n.factor.toFixed(3), n.intercept.toFixed(3), n.status]),
  );
  return h('div', {}, figure('Notes by intercept and factor', summary, plot, data), legend());
}

function legend(): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    ...Object.entries(STATUS_CLASS).map(([status, name]) =>
      h('li', {}, h('span', { class: `swatch ${name}`, 'aria-hidden': 'true' }), status),
    ),
  );
}

/** Where a group without ratings of a note sits on the group plane: left of (below) share 0. */
const NO_SHARE = -0.12;

/**
 * The small-community regime's notes: group A's helpful share (x) × group B's (y), with the
 * regions its rule decides in (helpful: both at least the share; not helpful: both below it).
 */
export function groupPlane(
  notes: GroupNotePointResponse[],
  rule: OpinionGroupRuleResponse,
): HTMLElement {
  const x = (share: number | null) =>
    PAD + (((share ?? NO_SHARE) - NO_SHARE) / (1 - NO_SHARE)) * (W - 8 - PAD);
  const y = (share: number | null) =>
    8 + ((1 - (share ?? NO_SHARE)) / (1 - NO_SHARE)) * (H - PAD - 8);
  // Notes at the same place in the same status (few ratings give few distinct shares; a real
  // community has hundreds with no ratings from one group) are one dot, its area by their count
  // and its title saying it: dots pushed aside would stand at shares the notes do not have.
  const places = new Map<
    string,
    { a: number | null; b: number | null; status: string; count: number }
  >();
  for (const n of notes) {
    const [a, b] = n.groups;
    const key = `${a.helpfulShare},${b.helpfulShare},${n.status}`;
    const place = places.get(key) ?? {
      a: a.helpfulShare,
      b: b.helpfulShare,
      status: n.status,
      count: 0,
    };
    place.count += 1;
    places.set(key, place);
  }
  const dots = [...places.values()].map(({ a, b, status, count }) =>
    s(
      'circle',
      {
        class: `dot ${STATUS_CLASS[status] ?? ''}`,
        cx: x(a),
        cy: y(b),
        r: Math.min(16, 4 * Math.sqrt(count)),
      },
      s('title', {}, `${count} ${count === 1 ? 'note' : 'notes'}, ${status}`),
    ),
  );
  const ticks = (at: (share: number | null) => number): [number, string][] => [
    [at(null), 'none'],
    [at(0), '0'],
    [at(rule.share), String(rule.share)],
    [at(1), '1'],
  ];
  const plot = s(
    'svg',
    { class: 'chart' },
    axes("group A's helpful share", "group B's helpful share", ticks(x), ticks(y)),
    // Tinted where the rule can decide: both groups' shares past it, one way or the other.
    s('rect', {
      class: 'region helpful',
      x: x(rule.share),
      y: y(1),
      width: x(1) - x(rule.share),
      height: y(rule.share) - y(1),
    }),
    s('rect', {
      class: 'region not-helpful',
      x: x(0),
      y: y(rule.share),
      width: x(rule.share) - x(0),
      height: y(0) - y(rule.share),
    }),
    s('path', {
      class: 'threshold helpful',
      d: `M${x(rule.share)},${y(1)} V${y(rule.share)} H${x(1)}`,
    }),
    s('path', {
      class: 'threshold not-helpful',
      d: `M${x(0)},${y(rule.share)} H${x(rule.share)} V${y(0)}`,
    }),
    ...dots,
  );
  const counts = notes.reduce<Record<string, number>>(
    (all, n) => ({ ...all, [n.status]: (all[n.status] ?? 0) + 1 }),
    {},
  );
  const summary =
    `${notes.length} notes decided by the opinion groups` +
    Object.entries(counts)
      .map(([status, count]) => `, ${count} ${status}`)
      .join('') +
    `. Helpful (green, top right): a note marked misleading with at least ${rule.minRatingsPerGroup} ratings from each group, whose helpful share is credibly at least ${rule.share} in both (its lower bound, the Beta(1, 1) posterior mean − ${rule.z} standard deviation, reaches ${rule.share}). Not helpful (red, bottom left): at least ${rule.minRatingsPerGroup} ratings from each group and the upper bound below ${rule.share} in both, or a note marked not misleading with at least ${2 * rule.minRatingsPerGroup} ratings in all whose pooled upper bound is. Somewhat helpful counts half; a group without ratings of a note puts it on "none".`;
  const share = (g: GroupRatingsResponse) =>
    g.helpfulShare === null ? '' : g.helpfulShare.toFixed(2);
  // The scorer's figure whatever the note's status (a note rated not helpful has one too).
  const needed = (g: GroupRatingsResponse) =>
    g.helpfulNeededToPass === null
      ? `more than ${rule.maxHelpfulNeeded}`
      : g.helpfulNeededToPass === 0
        ? '0 (passes)'
        : g.helpfulNeededToPass;
  const data = table(
    'Notes by group',
    [
      'status',
      'A: ratings (helpful / somewhat / not)',
      'A: share',
      'A: helpful ratings to pass',
      'B: ratings (helpful / somewhat / not)',
      'B: share',
      'B: helpful ratings to pass',
    ],
    notes.map((n) => [
      n.status,
      ...n.groups.flatMap((g) => [
        `${g.ratings} (${g.helpful} / ${g.somewhatHelpful} / ${g.notHelpful})`,
        share(g),
        needed(g),
      ]),
    ]),
  );
  return h('div', {}, figure("Notes by each group's helpful share", summary, plot, data), legend());
}

/**
 * Raters per factor bin in the latest run; with the opinion groups' margins when the
 * small-community regime decided it.
 */
export function factorHistogram(histogram: FactorHistogramResponse) {
  const top = Math.max(1, ...histogram.counts);
  const width = (W - 8 - PAD) / histogram.counts.length;
  const binStart = (i: number) =>
    histogram.min + ((histogram.max - histogram.min) * i) / histogram.counts.length;
  const y = (count: number) => 8 + (1 - count / top) * (H - PAD - 8);
  const x = (f: number) =>
    PAD + ((f - histogram.min) / (histogram.max - histogram.min)) * (W - 8 - PAD);
  const { groups } = histogram;
  const plot = s(
    'svg',
    { class: 'chart' },
    axes(
      groups ? "member factor (opinion groups' viewpoint fit)" : 'rater factor (viewpoint)',
      'raters',
      [histogram.min, 0, histogram.max].map((f) => [x(f), f.toFixed(1)]),
      [0, top].map((c) => [y(c), String(c)]),
    ),
    // Where the groups start: group A at or left of −margin, group B at or right of margin.
    // Drawn only inside the plot: a margin past its ends would be a line off the chart.
    ...(groups &&
    groups.margin > 0 &&
    -groups.margin >= histogram.min &&
    groups.margin <= histogram.max
      ? [-groups.margin, groups.margin].map((m) =>
          s('path', { class: 'threshold margin', d: `M${x(m)},${y(top)} V${y(0)}` }),
        )
      : []),
    ...histogram.counts.map((count, i) =>
      s('rect', {
        class: 'bar',
        x: PAD + i * width + 1,
        y: y(count),
        width: width - 2,
        height: H - PAD - y(count),
      }),
    ),
  );
  const total = histogram.counts.reduce((a, b) => a + b, 0);
  const negative = histogram.counts
    .slice(0, histogram.counts.length / 2)
    .reduce((a, b) => a + b, 0);
  const m = groups?.margin.toFixed(2);
  const summary = !groups
    ? `${total} raters with a factor: ${negative} below 0, ${total - negative} at or above 0.`
    : total === 0
      ? 'No viewpoint fit yet: too few members have rated enough notes, so no opinion group.'
      : `${total} members with a viewpoint: group A ${groups.sizes[0]} (factor ≤ −${m}), group B ${groups.sizes[1]} (factor ≥ ${m}), ${total - groups.sizes[0] - groups.sizes[1]} in neither (dashed lines).`;
  const data = table(
    'Raters per factor bin',
    ['from', 'to', 'raters'],
    histogram.counts.map((count, i) => [binStart(i).toFixed(2), binStart(i + 1).toFixed(2), count]),
  );
  return figure(groups ? "Members' viewpoints" : "Raters' factors", summary, plot, data);
}

/** The group's size per day with a change, as steps. */
export function growth(days: { day: string; size: number }[]): HTMLElement {
  const top = Math.max(1, ...days.map((d) => d.size));
  const x = (i: number) => PAD + (days.length < 2 ? 0 : (i / (days.length - 1)) * (W - 8 - PAD));
  const y = (size: number) => 8 + (1 - size / top) * (H - PAD - 8);
  const path = days.map((d, i) => `${i === 0 ? 'M' : 'H'}${x(i)} V${y(d.size)}`).join(' ');
  const plot = s(
    'svg',
    { class: 'chart' },
    axes(
      'day (UTC)',
      'group size',
      days.length
        ? [
            [x(0), days[0]?.day ?? ''],
            [x(days.length - 1), days[days.length - 1]?.day ?? ''],
          ]
        : [],
      [0, top].map((c) => [y(c), String(c)]),
    ),
    s('path', { class: 'line', d: days.length ? `M${x(0)},${y(0)} ${path}` : '' }),
  );
  const summary = days.length
    ? `From ${days[0]?.size} on ${days[0]?.day} to ${days[days.length - 1]?.size} on ${days[days.length - 1]?.day}.`
    : 'No change to the group in the last year.';
  const data = table(
    'Group size per day',
    ['day', 'size'],
    days.map((d) => [d.day, d.size]),
  );
  return figure('Growth', summary, plot, data);
}
