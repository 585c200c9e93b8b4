// The small-community study (issue 20): scores synthetic communities of several sizes under each
// regime and writes the table (Markdown) and a plot (SVG) for docs/small-community-scoring.md.
//
//   npx tsx libs/scoring/src/study/small-community-study.ts [--sizes 20,50,100,300,1000]
//     [--active 300x30,1000x12,1000x15,1000x30] [--seeds 5]
//     [--regimes core,shrunk-core,opinion-groups,auto] [--out docs/small-community-study]
//
// `npm run study:small-community` runs it with the defaults and writes docs/small-community-study/
// table.md and plot.svg (several minutes: the Core is re-scored on 20 prefixes of every community).
//
// `--sizes` are communities with the default activity (8 ratings per member on average, median
// about 5: a handful each); `--active` adds MEMBERSxRATINGS communities with more activity, where
// the Core's filters keep most ratings and the automatic switch hands over to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { integerOption, parseArguments } from '../cli/arguments';
import {
  measureCommunity,
  STUDY_REGIMES,
  summarise,
  type RegimeSummary,
  type StudyRegime,
} from './small-community-evaluation';
import { studyPlot } from './study-plot';

function main(): void {
  const { values } = parseArguments(process.argv.slice(2), {
    values: ['sizes', 'active', 'seeds', 'regimes', 'out'],
  });
  const sizes = (values.get('sizes') ?? '20,50,100,300,1000').split(',').map(Number);
  const active = (values.get('active') ?? '300x30,1000x12,1000x15,1000x30')
    .split(',')
    .filter((spec) => spec !== '')
    .map((spec) => spec.split('x').map(Number) as [number, number]);
  const communities: [number, number][] = [
    ...sizes.map((members): [number, number] => [members, 8]),
    ...active,
  ];
  for (const [members, activity] of communities) {
    if (!(members > 0 && activity > 0)) throw new Error('sizes are MEMBERS or MEMBERSxRATINGS');
  }
  const seedCount = integerOption(values, 'seeds', 5);
  const regimes = (values.get('regimes') ?? Object.keys(STUDY_REGIMES).join(',')).split(
    ',',
  ) as StudyRegime[];
  for (const regime of regimes) {
    if (!(regime in STUDY_REGIMES)) throw new Error(`unknown regime ${regime}`);
  }
  const summaries: RegimeSummary[] = [];
  for (const [members, activity] of communities) {
    for (const regime of regimes) {
      const started = performance.now();
      const runs = Array.from({ length: seedCount }, (_, seed) =>
        measureCommunity(regime, members, seed + 1, activity),
      );
      const summary = summarise(regime, members, activity, runs);
      summaries.push(summary);
      process.stderr.write(
        `${members} members × ${activity}, ${regime}: ${formatRow(summary)} (${Math.round(performance.now() - started)} ms)\n`,
      );
    }
  }
  const table = markdownTable(summaries);
  process.stdout.write(`${table}\n`);
  const out = values.get('out');
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'table.md'), `${table}\n`);
    writeFileSync(
      join(out, 'plot.svg'),
      studyPlot(
        summaries.filter((s) => s.activity === 8),
        sizes,
        regimes,
      ),
    );
  }
}

const percent = (value: number | null): string =>
  value === null ? '—' : `${(100 * value).toFixed(0)} %`;

function formatRow(s: RegimeSummary): string {
  return [
    `precision ${percent(s.precision)}`,
    `recall ${percent(s.recall)}`,
    `one-sided shown ${percent(s.oneSidedShownRate)}`,
    `brigaded shown ${percent(s.brigadedShownRate)}`,
    `ratings to first helpful ${s.medianRatingsToFirstHelpful ?? 'never'}`,
  ].join(', ');
}

function markdownTable(summaries: readonly RegimeSummary[]): string {
  const lines = [
    '| members | ratings per member | regime | ratings (mean) | precision | recall | one-sided shown | brigaded shown | ratings to first helpful (median) |',
    '| ------: | -----------------: | ------ | -------------: | --------: | -----: | --------------: | -------------: | --------------------------------: |',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.members} | ${s.activity} | ${s.regime} | ${Math.round(s.meanRatings)} | ${percent(s.precision)} | ${percent(s.recall)} | ${percent(s.oneSidedShownRate)} | ${percent(s.brigadedShownRate)} | ${s.medianRatingsToFirstHelpful ?? 'never'} |`,
    );
  }
  return lines.join('\n');
}

main();
