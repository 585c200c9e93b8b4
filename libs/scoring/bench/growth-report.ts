/**
 * The growth page's figures, plot and Markdown, from the runs of `growth-benchmark.ts` (pure: no
 * I/O, so the arithmetic is tested in `growth-report.spec.ts`).
 */
import type { BenchmarkFigures } from './benchmark-figures';

export interface GrowthRun {
  /** ISO time the growth run started. */
  readonly date: string;
  readonly machine: {
    readonly cores: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
  };
  readonly loadAtStart: readonly number[];
  loadAtEnd: readonly number[];
  readonly runs: BenchmarkFigures[];
}

/** Issue 22's limit: a size may cost at most 20 % more per rating than the smallest. */
export const LINEAR_TOLERANCE = 1.2;
/** The size the page projects to (issue 22: 100M ratings in ≤ 30 min and ≤ 16 GB). */
export const PROJECTED_RATINGS = 100_000_000;
/** Stages shorter than this at the smallest size are too noisy for a growth figure. */
const MIN_STAGE_CPU_MS = 200;

/**
 * How far from linear `value` grew between two sizes: 1 is linear, 1.2 costs 20 % more per
 * rating at `size` than at `baseSize`.
 */
export function growthRatio(value: number, size: number, baseValue: number, baseSize: number) {
  return value / baseValue / (size / baseSize);
}

/** The exponent b of value ∝ size^b between two sizes (1 is linear). */
export function growthExponent(value: number, size: number, baseValue: number, baseSize: number) {
  return Math.log(value / baseValue) / Math.log(size / baseSize);
}

export interface SizeRow {
  readonly figures: BenchmarkFigures;
  readonly cpuPerMillionS: number;
  readonly cpuGrowth: number;
  readonly wallGrowth: number;
  readonly memoryGrowth: number;
}

/** One row per size, smallest first, each compared with the smallest. */
export function sizeRows(runs: readonly BenchmarkFigures[]): SizeRow[] {
  const sorted = [...runs].sort((a, b) => a.ratings - b.ratings);
  const base = sorted[0];
  return sorted.map((figures) => ({
    figures,
    cpuPerMillionS: figures.cpuMs / 1000 / (figures.ratings / 1e6),
    cpuGrowth: growthRatio(figures.cpuMs, figures.ratings, base.cpuMs, base.ratings),
    wallGrowth: growthRatio(figures.wallMs, figures.ratings, base.wallMs, base.ratings),
    memoryGrowth: growthRatio(figures.peakRssMb, figures.ratings, base.peakRssMb, base.ratings),
  }));
}

export interface StageGrowth {
  readonly stage: string;
  readonly smallestCpuMs: number;
  readonly largestCpuMs: number;
  /** Growth vs linear between the smallest and the largest size. */
  readonly ratio: number;
  readonly exponent: number;
  /** Share of the largest size's CPU time. */
  readonly share: number;
  /** Too short at the smallest size for its growth to mean much. */
  readonly noisy: boolean;
}

/** Every stage timed at both the smallest and the largest size, costliest at the largest first. */
export function stageGrowth(runs: readonly BenchmarkFigures[]): StageGrowth[] {
  const sorted = [...runs].sort((a, b) => a.ratings - b.ratings);
  const smallest = sorted[0];
  const largest = sorted[sorted.length - 1];
  const before = new Map(smallest.stages.map((s) => [s.stage, s.cpuMs]));
  return largest.stages
    .filter((s) => before.has(s.stage))
    .map((s) => {
      const base = before.get(s.stage) ?? 0;
      return {
        stage: s.stage,
        smallestCpuMs: base,
        largestCpuMs: s.cpuMs,
        ratio: growthRatio(s.cpuMs, largest.ratings, base, smallest.ratings),
        exponent: growthExponent(s.cpuMs, largest.ratings, base, smallest.ratings),
        share: s.cpuMs / largest.cpuMs,
        noisy: base < MIN_STAGE_CPU_MS,
      };
    })
    .sort((a, b) => b.largestCpuMs - a.largestCpuMs);
}

export interface Projection {
  readonly ratings: number;
  /** The sizes the projection comes from (the two largest measured). */
  readonly fromRatings: readonly [number, number];
  /** b in CPU ∝ ratings^b between them, never below 1. */
  readonly cpuExponent: number;
  readonly cpuS: number;
  /** Peak memory per extra rating between them (bytes). */
  readonly bytesPerRating: number;
  readonly peakMb: number;
}

/**
 * Extrapolates to `ratings` from the two largest sizes. CPU time follows the power law between
 * them (the local exponent, which the costliest stages dominate), never below linear: fixed
 * costs make small sizes look sub-linear, which would project too little. Peak memory grows by
 * their marginal bytes per rating, since Node's own ~100 MB does not grow with the data. Wall
 * time is not projected: it follows the machine's load, not the data. Undefined with fewer than
 * two sizes.
 */
export function project(
  runs: readonly BenchmarkFigures[],
  ratings = PROJECTED_RATINGS,
): Projection | undefined {
  if (runs.length < 2) return undefined;
  const sorted = [...runs].sort((a, b) => a.ratings - b.ratings);
  const [a, b] = sorted.slice(-2);
  const cpuExponent = Math.max(1, growthExponent(b.cpuMs, b.ratings, a.cpuMs, a.ratings));
  const mbPerRating = Math.max(0, (b.peakRssMb - a.peakRssMb) / (b.ratings - a.ratings));
  return {
    ratings,
    fromRatings: [a.ratings, b.ratings],
    cpuExponent,
    cpuS: (b.cpuMs / 1000) * (ratings / b.ratings) ** cpuExponent,
    bytesPerRating: mbPerRating * 2 ** 20,
    peakMb: b.peakRssMb + mbPerRating * (ratings - b.ratings),
  };
}

const WIDTH = 880;
const HEIGHT = 440;
const PLOT = { left: 70, right: 560, top: 50, bottom: 370 };
const COLOURS = { cpu: '#1f77b4', wall: '#ff7f0e', linear: '#888', projection: '#1f77b4' };

/**
 * Log-log plot of CPU and wall seconds against ratings, with the linear reference through the
 * smallest size's CPU time and the projection to 100M dashed.
 */
export function growthPlot(runs: readonly BenchmarkFigures[]): string {
  const rows = sizeRows(runs);
  const projection = project(runs);
  const base = rows[0]?.figures;
  const sizes = [...rows.map((r) => r.figures.ratings), PROJECTED_RATINGS];
  const linearAt = (n: number) => (base ? ((base.cpuMs / 1000) * n) / base.ratings : 1);
  const seconds = [
    ...rows.flatMap((r) => [r.figures.cpuMs / 1000, r.figures.wallMs / 1000]),
    ...(projection ? [projection.cpuS] : []),
    linearAt(sizes[0]),
    linearAt(PROJECTED_RATINGS),
  ];
  const xDecades = [
    Math.floor(Math.log10(Math.min(...sizes))),
    Math.ceil(Math.log10(PROJECTED_RATINGS)),
  ];
  const yDecades = [
    Math.floor(Math.log10(Math.min(...seconds))),
    Math.ceil(Math.log10(Math.max(...seconds))),
  ];
  const scale = (value: number, [low, high]: number[], from: number, to: number) =>
    from + ((Math.log10(value) - low) / (high - low || 1)) * (to - from);
  const x = (n: number) => scale(n, xDecades, PLOT.left, PLOT.right).toFixed(1);
  const y = (s: number) => scale(s, yDecades, PLOT.bottom, PLOT.top).toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="30" text-anchor="middle" font-weight="bold">` +
      `Scoring time against ratings (log-log)</text>`,
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" ` +
      `height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#999"/>`,
  ];
  for (let d = xDecades[0]; d <= xDecades[1]; d++) {
    const at = x(10 ** d);
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eee"/>`,
      `<text x="${at}" y="${PLOT.bottom + 16}" text-anchor="middle">${count(10 ** d)}</text>`,
    );
  }
  for (let d = yDecades[0]; d <= yDecades[1]; d++) {
    const at = y(10 ** d);
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${at}" y2="${at}" stroke="#eee"/>`,
      `<text x="${PLOT.left - 6}" y="${at}" dy="4" text-anchor="end">${10 ** d} s</text>`,
    );
  }
  parts.push(
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 36}" text-anchor="middle">ratings</text>`,
    `<line class="linear" x1="${x(sizes[0])}" y1="${y(linearAt(sizes[0]))}" ` +
      `x2="${x(PROJECTED_RATINGS)}" y2="${y(linearAt(PROJECTED_RATINGS))}" ` +
      `stroke="${COLOURS.linear}" stroke-dasharray="6 4"/>`,
  );
  for (const series of ['cpu', 'wall'] as const) {
    const pick = (f: BenchmarkFigures) => (series === 'cpu' ? f.cpuMs : f.wallMs) / 1000;
    const points = rows.map((r) => `${x(r.figures.ratings)},${y(pick(r.figures))}`);
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${COLOURS[series]}" stroke-width="2"/>`,
    );
    for (const r of rows) {
      parts.push(
        `<circle class="point ${series}" cx="${x(r.figures.ratings)}" cy="${y(pick(r.figures))}" ` +
          `r="4" fill="${COLOURS[series]}"><title>${count(r.figures.ratings)}: ` +
          `${pick(r.figures).toFixed(1)} s ${series}</title></circle>`,
      );
    }
  }
  if (projection && rows.length > 0) {
    const last = rows[rows.length - 1].figures;
    const [px, py] = [x(PROJECTED_RATINGS), y(projection.cpuS)];
    parts.push(
      `<line class="projection" x1="${x(last.ratings)}" y1="${y(last.cpuMs / 1000)}" ` +
        `x2="${px}" y2="${py}" stroke="${COLOURS.projection}" stroke-dasharray="2 4"/>`,
      `<circle class="projection cpu" cx="${px}" cy="${py}" r="5" fill="white" ` +
        `stroke="${COLOURS.projection}" stroke-width="2"/>`,
      `<text x="${px}" y="${py}" dx="-8" dy="16" text-anchor="end" fill="${COLOURS.projection}">` +
        `projected CPU: ${(projection.cpuS / 60).toFixed(0)} min</text>`,
    );
  }
  const legend: [string, string, string][] = [
    [COLOURS.cpu, '', 'CPU time (all threads), measured'],
    [COLOURS.wall, '', 'wall time, measured'],
    [COLOURS.linear, '6 4', 'linear from the smallest size (CPU)'],
    [COLOURS.projection, '2 4', 'CPU projected to 100M (not measured)'],
  ];
  legend.forEach(([colour, dash, label], i) => {
    const at = PLOT.top + 10 + i * 20;
    parts.push(
      `<line x1="${PLOT.right + 12}" x2="${PLOT.right + 36}" y1="${at}" y2="${at}" ` +
        `stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${PLOT.right + 42}" y="${at}" dy="4">${label}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** `300k`, `1M`, `30M`. */
export function count(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}

const loads = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(' / ');
const fixed = (n: number, digits = 1) => n.toFixed(digits);

/** The whole Markdown page. */
export function growthPage(run: GrowthRun, svgName: string): string {
  const rows = sizeRows(run.runs);
  const stages = stageGrowth(run.runs);
  const projection = project(run.runs);
  const { machine } = run;
  const threads = run.runs[0]?.threads ?? 1;
  const smallest = rows[0]?.figures;
  const largest = rows[rows.length - 1]?.figures;
  const lines: string[] = [
    '# Scoring growth',
    '',
    '<!-- Generated by `npm run bench:scoring-growth` (libs/scoring/bench/growth-benchmark.ts); ' +
      'edit the benchmark, not this page. -->',
    '',
    `How the scorer's cost grows with the community (issue 22: linear within ` +
      `${Math.round((LINEAR_TOLERANCE - 1) * 100)} %). Each size is \`npm run bench:scoring -- ` +
      `--json\` on its synthetic community (25 ratings per rater, 40 per note), run in a fresh ` +
      `process so that its peak memory is its own, ` +
      (threads === 1
        ? 'in one scoring thread so that every model is timed on its own (the worker uses two: ' +
          'wall time there is lower, CPU time about the same).'
        : `over ${threads} scoring threads (stages run in threads are timed together).`),
    '',
    `Measured ${run.date.slice(0, 16).replace('T', ' ')} UTC on ${machine.cores} cores ` +
      `(${machine.cpuModel}), ${fixed(machine.memoryGb)} GB memory, Node ${machine.node}. ` +
      `Load average (1 / 5 / 15 min) at the start: ${loads(run.loadAtStart)}; at the end: ` +
      `${loads(run.loadAtEnd)}. The machine is shared with other work: CPU time is the steadier ` +
      `figure; wall time is an upper bound whenever the load exceeds the threads used. Even CPU ` +
      `time rises somewhat at loads above the cores (caches and memory bandwidth are shared), so ` +
      `sizes measured at very different loads compare less well: each row gives its own load.`,
    '',
    '## Figures',
    '',
    '| ratings | raters | notes | wall s | CPU s | peak MB | CPU s per 1M ratings | CPU vs linear | wall vs linear | peak MB vs linear | load at start → end (1 min) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows
      .map(({ figures: f, cpuPerMillionS, cpuGrowth, wallGrowth, memoryGrowth }) =>
        [
          count(f.ratings),
          count(f.raters),
          count(f.notes),
          fixed(f.wallMs / 1000),
          fixed(f.cpuMs / 1000),
          fixed(f.peakRssMb, 0),
          fixed(cpuPerMillionS),
          `×${fixed(cpuGrowth, 2)}`,
          `×${fixed(wallGrowth, 2)}`,
          `×${fixed(memoryGrowth, 2)}`,
          `${fixed(f.loadAtStart[0], 2)} → ${fixed(f.loadAtEnd[0], 2)}`,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    `"vs linear" is (figure ÷ the smallest size's figure) ÷ (ratings ÷ the smallest size's ` +
      `ratings): ×1.00 is linear, above ×${fixed(LINEAR_TOLERANCE, 2)} misses the issue's goal. ` +
      `Peak memory includes Node's own ~100 MB, so it looks sub-linear at small sizes.`,
    '',
    `![CPU and wall time against ratings, log-log, with a linear reference and the projection ` +
      `to 100M](${svgName})`,
    '',
  ];
  if (smallest && largest && smallest !== largest) {
    lines.push(
      `## Growth per stage (${count(smallest.ratings)} → ${count(largest.ratings)})`,
      '',
      `CPU time per stage; a stage whose "vs linear" exceeds ×${fixed(LINEAR_TOLERANCE, 2)} grows ` +
        `faster than the data. Exponent b in time ∝ ratings^b (1 is linear). Stages under ` +
        `${MIN_STAGE_CPU_MS} ms at ${count(smallest.ratings)} are marked as too short to judge.` +
        baselineNote(stages),
      '',
      `| stage | CPU s at ${count(smallest.ratings)} | CPU s at ${count(largest.ratings)} | share at ${count(largest.ratings)} | vs linear | exponent | |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...stages
        .map((s) =>
          [
            s.stage,
            fixed(s.smallestCpuMs / 1000, 2),
            fixed(s.largestCpuMs / 1000, 2),
            `${fixed(s.share * 100)} %`,
            `×${fixed(s.ratio, 2)}`,
            fixed(s.exponent, 2),
            s.noisy
              ? 'too short to judge'
              : s.ratio > LINEAR_TOLERANCE
                ? '**faster than the data**'
                : '',
          ].join(' | '),
        )
        .map((row) => `| ${row} |`),
      '',
    );
  }
  if (projection) {
    const [from, to] = projection.fromRatings;
    const tenM = project(run.runs, 10_000_000);
    const rowsOf = (p: Projection) =>
      `| ${count(p.ratings)} (projection) | ${minutes(p.cpuS)} | ${minutes(p.cpuS)} | ` +
      `${minutes(p.cpuS / machine.cores)} | ${fixed(p.peakMb / 1024)} GB |`;
    lines.push(
      `## Projection (not measured)`,
      '',
      `A projection, not a measurement, from ${count(from)} and ${count(to)}: CPU time scaled ` +
        `with its exponent between them, never below 1 (here ${fixed(projection.cpuExponent, 2)}); ` +
        `peak memory grown by their ${fixed(projection.bytesPerRating, 0)} bytes per extra ` +
        `rating. A stage that grows faster than the data weighs more at larger sizes, so the ` +
        `exponent can only rise beyond the sizes measured. Wall time is not projected from the ` +
        `measured walls (they follow the machine's load): on a quiet machine it is about the CPU ` +
        `time in one thread, and at best CPU ÷ ${machine.cores} over ${machine.cores} threads.`,
      '',
      `| ratings | CPU | quiet wall, 1 thread | quiet wall, ${machine.cores} threads (at best) | peak memory |`,
      '| --- | ---: | ---: | ---: | ---: |',
      ...(tenM && !rows.some((r) => r.figures.ratings === tenM.ratings) ? [rowsOf(tenM)] : []),
      rowsOf(projection),
      '',
      `Issue 22's targets: 10M ratings in ≤ 2 min wall and ≤ 4 GB; 100M on this 24 GB machine in ` +
        `≤ 30 min and ≤ 16 GB.`,
      '',
    );
  }
  return lines.join('\n');
}

/** The stage generating the data is linear by construction: its growth is the machine's share. */
const BASELINE_STAGE = 'generate + builder.addRating';

function baselineNote(stages: readonly StageGrowth[]): string {
  const baseline = stages.find((s) => s.stage === BASELINE_STAGE);
  if (!baseline) return '';
  return (
    ` "${BASELINE_STAGE}" is linear by construction, so its ×${fixed(baseline.ratio, 2)} is what ` +
    `the machine alone (load, caches, memory) adds between these sizes: read the other stages ` +
    `against it.`
  );
}

function minutes(seconds: number): string {
  return seconds < 120 ? `${fixed(seconds)} s` : `${fixed(seconds / 60)} min`;
}
