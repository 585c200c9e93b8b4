/**
 * Benchmark of the whole pipeline on synthetic data, stage by stage:
 *
 *   npx tsx libs/scoring/src/bench/benchmark.ts [--ratings 1000000] [--raters 40000]
 *     [--notes 25000] [--seed 1] [--repeat-score]
 *
 * Prints wall time, CPU time, RSS and peak RSS per stage, and the status counts as a sanity
 * check. `--repeat-score` scores twice and checks that the outputs are byte-identical.
 */
import { integerOption, parseArguments } from '../cli/arguments';
import { finalScore } from '../lib/final-scoring';
import { NOTE_STATUS_NAMES, NoteStatus } from '../lib/note-status';
import { prescore } from '../lib/prescoring';
import { countRatingsPerNote } from '../lib/rating-filters';
import { applyStatusRules } from '../lib/scorer';
import { ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { builderSink, generateSyntheticCommunity } from '../synthetic/synthetic-data';
import { StageTimer } from './stage-timer';

function main(): void {
  const { values, flags } = parseArguments(process.argv.slice(2), {
    values: ['ratings', 'raters', 'notes', 'seed'],
    flags: ['repeat-score'],
  });
  const ratings = integerOption(values, 'ratings', 1_000_000);
  const raters = integerOption(values, 'raters', Math.round(ratings / 25));
  const notes = integerOption(values, 'notes', Math.round(ratings / 40));
  const seed = integerOption(values, 'seed', 1);
  console.log(
    `synthetic community: ${ratings} ratings, ${raters} raters, ${notes} notes, seed ${seed}`,
  );

  const timer = new StageTimer();
  const builder = new ScoringInputBuilder();
  generateSyntheticCommunity({ seed, raters, notes, ratings }, builderSink(builder));
  timer.lap('generate + builder.addRating');
  const input = builder.build();
  timer.lap('builder.build (canonical order)');
  console.log(`ratings after de-duplication: ${input.ratingNote.length}`);

  const first = scoreInStages(input, timer, '');
  if (flags.has('repeat-score')) {
    const second = scoreInStages(input, timer, ' (repeat)');
    console.log(`repeat run byte-identical: ${first.equals(second)}`);
  }
  console.log(timer.table());
}

/** Runs the pipeline with a lap per stage; returns the outputs' bytes for the determinism check. */
function scoreInStages(input: ScoringInput, timer: StageTimer, suffix: string): Buffer {
  const numRatings = countRatingsPerNote(input);
  const prescoring = prescore(input, numRatings, {
    seed: 42,
    onStepDone: (step) => timer.lap(`prescoring: ${step}${suffix}`),
  });
  const final = finalScore(input, numRatings, prescoring);
  timer.lap(`final scoring + pseudo-raters${suffix}`);
  const statuses = applyStatusRules(input, numRatings, final);
  timer.lap(`status rules${suffix}`);

  const { firstRoundSummary: r1, finalRoundSummary: r2 } = prescoring;
  console.log(
    `round 1: ${r1.ratings} ratings, ${r1.notes} notes, ${r1.raters} raters, ` +
      `${r1.iterations} sweeps, train MSE ${r1.trainMse.toFixed(4)}`,
  );
  console.log(
    `final round: ${r2.ratings} ratings, ${r2.notes} notes, ${r2.raters} raters, ` +
      `${r2.iterations} sweeps, train MSE ${r2.trainMse.toFixed(4)}`,
  );
  const counts = new Map<string, number>();
  for (const s of statuses.status) {
    const name = NOTE_STATUS_NAMES[s as NoteStatus];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  console.log('core statuses:', Object.fromEntries(counts));
  const arrays = [statuses.status, final.intercept, final.factor, final.interceptMax];
  arrays.push(prescoring.finalRound.raterIntercept, prescoring.finalRound.raterFactor);
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

main();
