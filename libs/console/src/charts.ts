import { h, s, table } from './dom';

/** Drawn by hand in SVG: three small plots did not warrant a chart library's weight. */
const W = 560;
const H = 320;
const PAD = 44;

export interface NotePoint {
  intercept: number;
  factor: number;
  status: string;
}

export interface Thresholds {
  helpfulIntercept: number;
  helpfulMaxFactor: number;
  notHelpfulIntercept: number;
  notHelpfulFactorSlope: number;
}

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
export function notePlane(notes: NotePoint[], t: Thresholds): HTMLElement {
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

/** Raters per factor bin in the latest run. */
export function factorHistogram(histogram: { min: number; max: number; counts: number[] }) {
  const top = Math.max(1, ...histogram.counts);
  const width = (W - 8 - PAD) / histogram.counts.length;
  const binStart = (i: number) =>
    histogram.min + ((histogram.max - histogram.min) * i) / histogram.counts.length;
  const y = (count: number) => 8 + (1 - count / top) * (H - PAD - 8);
  const plot = s(
    'svg',
    { class: 'chart' },
    axes(
      'rater factor (viewpoint)',
      'raters',
      [histogram.min, 0, histogram.max].map((f) => [
        PAD + ((f - histogram.min) / (histogram.max - histogram.min)) * (W - 8 - PAD),
        f.toFixed(1),
      ]),
      [0, top].map((c) => [y(c), String(c)]),
    ),
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
  const summary = `${total} raters with a factor: ${negative} below 0, ${total - negative} at or above 0.`;
  const data = table(
    'Raters per factor bin',
    ['from', 'to', 'raters'],
    histogram.counts.map((count, i) => [binStart(i).toFixed(2), binStart(i + 1).toFixed(2), count]),
  );
  return figure("Raters' factors", summary, plot, data);
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
