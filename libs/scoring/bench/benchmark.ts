/**
 * Benchmark of the whole pipeline (preprocessing safeguards, every scorer of §8 — Core,
 * CoreWithTopics, Expansion, ExpansionPlus, Gaussian, GaussianCoreWithTopics — meta-scoring,
 * stabilisation) on synthetic data with tags and ~1 % topic notes, stage by stage:
 *
 *   npm run bench:scoring -- [--ratings 1000000] [--raters 40000]
 *     [--notes 25000] [--seed 1] [--threads 2] [--repeat-score] [--json] [--help]
 *
 * `--threads` (default: the machine's cores; at most 2 are used) runs the pipeline
 * as the worker does (`scoreNotesInThreads`); with 1 every stage is timed in this thread, with
 * more each batch of tasks spread over the threads is one stage. Prints wall time, CPU time (of
 * every thread), RSS and peak RSS per stage, the load average, and the status counts as a sanity
 * check. `--repeat-score` scores again with the other thread count (1 after threads, 2 after
 * one) and checks that the outputs are byte-identical. `--json` prints the figures as one JSON
 * object (`BenchmarkFigures`) on stdout and the human lines on stderr, for `growth-benchmark.ts`,
 * which runs each size in a fresh process so that its peak memory is its own.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';

import { integerOption, parseArguments } from '../src/cli/arguments';
import { META_RULE_NAMES, MetaRule, NOTE_STATUS_NAMES, NoteStatus } from '../src/lib/note-status';
import type { ScoringResult } from '../src/lib/scorer';
import { ScoringInputBuilder, type ScoringInput } from '../src/lib/scoring-input';
import { scoreNotesInThreads, scoringThreads } from '../src/parallel/threaded-scoring';
import { builderSink, generateSyntheticCommunity } from '../src/synthetic/synthetic-data';
import type { BenchmarkFigures } from './benchmark-figures';
import { StageTimer, type StageFigures } from './stage-timer';

async function main(): Promise<void> {
  const { values, flags } = parseArguments(process.argv.slice(2), {
    values: ['ratings', 'raters', 'notes', 'seed', 'threads'],
    flags: ['repeat-score', 'json'],
    usage:
      'npm run bench:scoring -- [--ratings 1000000] [--raters ratings/25] [--notes ratings/40]\n' +
      '  [--seed 1] [--threads cores, at most 2] [--repeat-score] [--json]\n' +
      'Scores a synthetic community stage by stage as the worker does; prints wall time, CPU\n' +
      "time and memory per stage and the outputs' sha256. --repeat-score scores again with the\n" +
      'other thread count and checks the outputs are byte-identical; --json prints the figures\n' +
      'as JSON on stdout.',
  });
  const json = flags.has('json');
  // In JSON mode stdout carries only the figures, so the human lines go to stderr.
  const log = json ? console.error : console.log;
  const loadAtStart = loadavg();
  const ratings = integerOption(values, 'ratings', 1_000_000);
  const raters = integerOption(values, 'raters', Math.round(ratings / 25));
  const notes = integerOption(values, 'notes', Math.round(ratings / 40));
  const seed = integerOption(values, 'seed', 1);
  const threads = scoringThreads(ratings, {
    threads: values.has('threads') ? integerOption(values, 'threads', 1) : undefined,
  });
  log(
    `synthetic community: ${ratings} ratings, ${raters} raters, ${notes} notes, seed ${seed}; ` +
      `load average at start ${loadAverage(loadAtStart)}`,
  );

  const timer = new StageTimer((stage) =>
    log(
      `  ${stage.stage}: wall ${(stage.wallMs / 1000).toFixed(2)} s, ` +
        `CPU ${(stage.cpuMs / 1000).toFixed(2)} s, RSS ${stage.rssMb.toFixed(0)} MB, ` +
        `peak ${stage.peakRssMb.toFixed(0)} MB, load ${loadAverage(loadavg())}`,
    ),
  );
  const input = syntheticInput({ seed, raters, notes, ratings }, timer);
  log(`ratings after de-duplication: ${input.ratingNote.length}`);

  const first = await scoreInStages(input, timer, threads, '', log);
  // Compared across commits: a speed-up must leave this hash unchanged.
  log(`outputs sha256: ${createHash('sha256').update(first).digest('hex')}`);
  if (flags.has('repeat-score')) {
    const other = threads === 1 ? 2 : 1;
    const second = await scoreInStages(input, timer, other, ` (repeat, ${other} thread(s))`, log);
    log(`repeat run with ${other} thread(s) byte-identical: ${first.equals(second)}`);
  }
  const loadAtEnd = loadavg();
  log(timer.table());
  log(
    `load average at end ${loadAverage(loadAtEnd)} (2 cores shared: wall times are upper bounds)`,
  );
  if (json) {
    const sum = (pick: (s: StageFigures) => number): number =>
      timer.stages.reduce((total, s) => total + pick(s), 0);
    const figures: BenchmarkFigures = {
      ratings,
      ratingsAfterDeduplication: input.ratingNote.length,
      raters,
      notes,
      seed,
      threads,
      wallMs: sum((s) => s.wallMs),
      cpuMs: sum((s) => s.cpuMs),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      loadAtStart,
      loadAtEnd,
      stages: timer.stages,
    };
    console.log(JSON.stringify(figures));
  }
}

/**
 * The synthetic community as the scorer's input, its two stages timed. In a function of its own
 * so that the builder, whose columns grow by doubling (up to twice the ratings), is garbage once
 * it has built the input, as it is in the worker: held by the caller's scope through the
 * scoring, it was 350 MB of the peak at 10M ratings, and would be 2.8 GB at 100M.
 */
function syntheticInput(
  community: { seed: number; raters: number; notes: number; ratings: number },
  timer: StageTimer,
): ScoringInput {
  const builder = new ScoringInputBuilder();
  // About 1 % of posts get a note text with one of the reference's seed terms (cn-small's share
  // of topic notes), so Core is fitted again without them, as the reference does.
  const sink = builderSink(builder);
  const posts = new Map<string, boolean>();
  generateSyntheticCommunity(community, {
    ...sink,
    note(id, authorId, createdAtMs, misleading, postId) {
      if (!posts.has(postId)) posts.set(postId, posts.size % 100 === 0);
      const text = posts.get(postId) ? 'what Ronaldo said' : 'a note';
      builder.addNote(id, { authorId, createdAtMs, misleading, postId, text });
    },
  });
  timer.lap('generate + builder.addRating');
  const input = builder.build();
  timer.lap('builder.build (canonical order)');
  return input;
}

function loadAverage(loads: readonly number[]): string {
  return loads.map((load) => load.toFixed(2)).join(' / ');
}

/** Scores with a lap per stage; returns the outputs' bytes for the determinism check. */
async function scoreInStages(
  input: ScoringInput,
  timer: StageTimer,
  threads: number,
  suffix: string,
  log: (...lines: unknown[]) => void,
): Promise<Buffer> {
  log(`scoring with ${threads} thread(s)${suffix}`);
  // A run time a day after the synthetic timeline, so every note is old enough to lock.
  const result = await scoreNotesInThreads(input, {
    seed: 42,
    nowMs: Date.UTC(2026, 1, 1),
    regime: 'core',
    threads,
    minRatingsForThreads: 0,
    onStepDone: (step) => timer.lap(`${step}${suffix}`),
  });
  report(result, log);
  const { scorers, models, final, prescoring } = result;
  const arrays = [
    result.status,
    result.finalStatus,
    result.firstTag,
    result.secondTag,
    final.intercept,
    final.factor,
    scorers.gaussian.intercept,
    scorers.coreWithTopics.final.intercept,
    scorers.expansion.status,
    scorers.expansionPlus.status,
    scorers.gaussianCoreWithTopics.intercept,
    models.decidedBy,
    result.metaDecidedBy,
  ];
  arrays.push(final.interceptMax, final.interceptNoHighVol, final.interceptNoCorrelated);
  arrays.push(prescoring.finalRound.raterIntercept, prescoring.finalRound.raterFactor);
  if (result.safeguards) arrays.push(result.safeguards.lowDiligenceIntercept);
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function report(result: ScoringResult, log: (...lines: unknown[]) => void): void {
  const { raters, scorers, models } = result;
  const count = (flags: Uint8Array): number => flags.reduce((a, b) => a + b, 0);
  const cliques = new Set(raters.pssClique.filter((clique) => clique >= 0)).size;
  log(
    `safeguards: ${count(raters.highVolume)} high-volume raters, ${cliques} PSS cliques ` +
      `(${raters.pssDroppedRatings} ratings dropped), ` +
      `${count(raters.correlated)} correlated raters; PSS pairs: ${raters.pssAffinityPairs} ` +
      `writer–rater, ${raters.pssCoRatingPairs} co-rating`,
  );
  log(
    `topics: ${scorers.topics.topicNotes} topic notes, ` +
      `decided by ${[...countBy(models.decidedBy, (rule) => META_RULE_NAMES[rule as MetaRule])]
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}`,
  );
  const { firstRoundSummary: r1, finalRoundSummary: r2 } = result.prescoring;
  log(
    `round 1: ${r1.ratings} ratings, ${r1.notes} notes, ${r1.raters} raters, ` +
      `${r1.iterations} sweeps, train MSE ${r1.trainMse.toFixed(4)}`,
  );
  log(
    `final round: ${r2.ratings} ratings, ${r2.notes} notes, ${r2.raters} raters, ` +
      `${r2.iterations} sweeps, train MSE ${r2.trainMse.toFixed(4)}`,
  );
  // Iteration counts tell a model that needs more passes from one whose passes cost more.
  const { harassment, lowDiligence } = result.prescoring;
  const withTopics = scorers.coreWithTopics.prescoring.lowDiligence;
  log(
    `Core harassment-consensus: ${harassment?.sweeps ?? 0} sweeps; low-diligence: ` +
      `${lowDiligence?.sweeps.join(' + ') ?? 0} Adam epochs ` +
      `(CoreWithTopics: ${withTopics?.sweeps.join(' + ') ?? 0})`,
  );
  const names = (statuses: Uint8Array) =>
    Object.fromEntries(countBy(statuses, (s) => NOTE_STATUS_NAMES[s as NoteStatus]));
  log('core statuses:', names(scorers.core.status));
  log('final statuses:', names(result.finalStatus));
}

function countBy(values: Uint8Array, key: (value: number) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
  return counts;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
