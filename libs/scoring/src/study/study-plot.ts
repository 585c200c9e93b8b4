import type { RegimeSummary, StudyRegime } from './small-community-evaluation';

const COLOURS: Record<StudyRegime, string> = {
  core: '#c0392b',
  'shrunk-core': '#8e44ad',
  'opinion-groups': '#2471a3',
  auto: '#1e8449',
};

/**
 * Two panels side by side, community size on a log axis: recall of truly bridging notes (solid)
 * and one-sided or brigaded notes shown (dashed), one colour per regime. Plain SVG, so the docs
 * need no plotting dependency.
 */
export function studyPlot(
  summaries: readonly RegimeSummary[],
  sizes: readonly number[],
  regimes: readonly StudyRegime[],
): string {
  const width = 860;
  const height = 360;
  const panel = { width: 360, height: 240, top: 50, left: [70, 490] };
  const minLog = Math.log10(Math.min(...sizes));
  const maxLog = Math.log10(Math.max(...sizes));
  const x = (left: number, members: number): number =>
    left +
    (maxLog === minLog ? 0.5 : (Math.log10(members) - minLog) / (maxLog - minLog)) * panel.width;
  const y = (share: number): number => panel.top + (1 - share) * panel.height;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  const titles = [
    'Truly bridging notes shown helpful (recall)',
    'Wrongly shown: one-sided (dashed), brigaded (dotted)',
  ];
  panel.left.forEach((left, index) => {
    parts.push(
      `<text x="${left + panel.width / 2}" y="30" text-anchor="middle" font-weight="bold">${titles[index]}</text>`,
      `<rect x="${left}" y="${panel.top}" width="${panel.width}" height="${panel.height}" fill="none" stroke="#999"/>`,
    );
    for (const share of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(
        `<line x1="${left}" x2="${left + panel.width}" y1="${y(share)}" y2="${y(share)}" stroke="#eee"/>`,
        `<text x="${left - 6}" y="${y(share) + 4}" text-anchor="end">${share * 100} %</text>`,
      );
    }
    for (const members of sizes) {
      parts.push(
        `<text x="${x(left, members)}" y="${panel.top + panel.height + 16}" text-anchor="middle">${members}</text>`,
      );
    }
    parts.push(
      `<text x="${left + panel.width / 2}" y="${panel.top + panel.height + 34}" text-anchor="middle">members</text>`,
    );
  });
  const line = (
    left: number,
    regime: StudyRegime,
    value: (s: RegimeSummary) => number,
    dash: string,
  ): void => {
    const points = summaries
      .filter((s) => s.regime === regime)
      .map((s) => `${x(left, s.members).toFixed(1)},${y(value(s)).toFixed(1)}`);
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${COLOURS[regime]}" stroke-width="2" stroke-dasharray="${dash}"/>`,
    );
  };
  regimes.forEach((regime, index) => {
    line(panel.left[0], regime, (s) => s.recall, '');
    line(panel.left[1], regime, (s) => s.oneSidedShownRate, '6 4');
    line(panel.left[1], regime, (s) => s.brigadedShownRate, '2 3');
    const legendX = 70 + index * 200;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${height - 14}" y2="${height - 14}" stroke="${COLOURS[regime]}" stroke-width="3"/>`,
      `<text x="${legendX + 30}" y="${height - 10}">${regime}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
