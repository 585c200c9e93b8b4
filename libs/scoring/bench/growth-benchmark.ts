/**
 * How the scorer's time and memory grow with the community (issue 22: linear within 20 %):
 *
 *   npm run bench:scoring-growth -- [--sizes 3e5,1e6,3e6] [--threads 1]
 *     [--out docs/benchmarks/scoring-growth.md] [--from <figures.json>] [--help]
 *
 * Runs `benchmark --json` once per size, smallest first, each in a fresh Node process so that
 * its peak RSS is its own, then writes a Markdown page (`--out`), its SVG plot and the raw
 * figures (`.json`) beside it. The page is rewritten after every size, so a long run that is
 * stopped still leaves the sizes it finished. `--from` renders the page again from saved figures
 * without measuring.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { format, resolveConfig } from 'prettier';

import type { BenchmarkFigures } from './benchmark-figures';
import { growthPage, growthPlot, type GrowthRun } from './growth-report';

const USAGE = `npm run bench:scoring-growth -- [options]
  --sizes 3e5,1e6,3e6   ratings per run, comma-separated (1e6, 1_000_000 and 1000000 all work)
  --threads 1           scoring threads per run; 1 times every model on its own (with more,
                        the stages run in threads are timed together)
  --out docs/benchmarks/scoring-growth.md
                        the page; its plot (.svg) and raw figures (.json) go beside it
  --from <file.json>    render the page again from saved figures, measuring nothing
  --help`;

/** `benchmark` as this file runs: compiled beside it (`npm run`), or TypeScript through tsx. */
const EXTENSION = extname(__filename);
const BENCHMARK = join(__dirname, `benchmark${EXTENSION}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '3e5,1e6,3e6' },
      threads: { type: 'string', default: '1' },
      out: { type: 'string', default: 'docs/benchmarks/scoring-growth.md' },
      from: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const out = values.out;
  if (values.from) {
    const run = JSON.parse(await readFile(values.from, 'utf8')) as GrowthRun;
    await writeReport(out, run);
    return;
  }
  const sizes = values.sizes
    .split(',')
    .map((size) => Number(size.replaceAll('_', '')))
    .sort((a, b) => a - b);
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error(`--sizes must be positive integers: ${values.sizes}`);
  }
  const threads = Number(values.threads);
  const run: GrowthRun = {
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: totalmem() / 2 ** 30,
      node: process.version,
    },
    loadAtStart: loadavg(),
    loadAtEnd: loadavg(),
    runs: [],
  };
  for (const ratings of sizes) {
    console.log(`${new Date().toISOString()} ${ratings} ratings (load ${loadavg().join(' / ')})`);
    const figures = await benchmarkInChild(ratings, threads);
    console.log(
      `  wall ${(figures.wallMs / 1000).toFixed(1)} s, CPU ${(figures.cpuMs / 1000).toFixed(1)} s, ` +
        `peak ${figures.peakRssMb.toFixed(0)} MB`,
    );
    run.runs.push(figures);
    run.loadAtEnd = loadavg();
    await writeReport(out, run);
  }
}

/** One size in its own process (its stderr, the human lines, shown as it goes). */
function benchmarkInChild(ratings: number, threads: number): Promise<BenchmarkFigures> {
  const args = [...(EXTENSION === '.ts' ? ['--import', 'tsx'] : []), BENCHMARK];
  args.push('--ratings', String(ratings));
  args.push('--threads', String(threads), '--json');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`benchmark of ${ratings} ratings exited with ${code}`));
      else resolve(JSON.parse(stdout) as BenchmarkFigures);
    });
  });
}

async function writeReport(out: string, run: GrowthRun): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  const svg = out.replace(/\.md$/, '') + '.svg';
  const json = out.replace(/\.md$/, '') + '.json';
  // Formatted as the repository's `format:check` expects, so a fresh page commits as is.
  const formatted = async (file: string, text: string) =>
    format(text, { ...(await resolveConfig(file)), filepath: file });
  await writeFile(json, await formatted(json, JSON.stringify(run)));
  await writeFile(svg, growthPlot(run.runs));
  await writeFile(out, await formatted(out, growthPage(run, basename(svg))));
  console.log(`wrote ${out}, ${svg} and ${json}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
