/**
 * Benchmark of the whole pipeline (preprocessing safeguards, every scorer of §8 — Core,
 * CoreWithTopics, Expansion, ExpansionPlus, Gaussian, GaussianCoreWithTopics — meta-scoring,
 * stabilisation) on synthetic data with tags and ~1 % topic notes, stage by stage:
 *
 *   npx tsx libs/scoring/bench/benchmark.ts [--ratings 1000000] [--raters 40000]
 *     [--notes 25000] [--seed 1] [--repeat-score]
 *
 * Prints wall time, CPU time, RSS and peak RSS per stage, and the status counts as a sanity
 * check. `--repeat-score` scores twice and checks that the outputs are byte-identical.
 */
import { integerOption, parseArguments } from '../src/cli/arguments';
import { highVolumeRaters } from '../src/lib/high-volume-raters';
import { META_RULE_NAMES, MetaRule, NOTE_STATUS_NAMES, NoteStatus } from '../src/lib/note-status';
import { postSelectionSimilarity } from '../src/lib/post-selection-similarity';
import { quasiCliqueMembers } from '../src/lib/quasi-cliques';
import { countRatingsPerNote } from '../src/lib/rating-filters';
import { runModels } from '../src/lib/scorer-models';
import { ScoringInputBuilder, withRatings, type ScoringInput } from '../src/lib/scoring-input';
import { stabiliseStatuses } from '../src/lib/status-stability';
import { metaScore } from '../src/lib/meta-scoring';
import { builderSink, generateSyntheticCommunity } from '../src/synthetic/synthetic-data';
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
  // About 1 % of posts get a note text with one of the reference's seed terms (cn-small's share
  // of topic notes), so Core is fitted again without them, as the reference does.
  const sink = builderSink(builder);
  const posts = new Map<string, boolean>();
  generateSyntheticCommunity(
    { seed, raters, notes, ratings },
    {
      ...sink,
      note(id, authorId, createdAtMs, misleading, postId) {
        if (!posts.has(postId)) posts.set(postId, posts.size % 100 === 0);
        const text = posts.get(postId) ? 'what Ronaldo said' : 'a note';
        builder.addNote(id, { authorId, createdAtMs, misleading, postId, text });
      },
    },
  );
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
function scoreInStages(original: ScoringInput, timer: StageTimer, suffix: string): Buffer {
  // The stages of `scoreNotes`, one lap each.
  const highVolume = highVolumeRaters(original);
  timer.lap(`high-volume raters${suffix}`);
  const pss = postSelectionSimilarity(original);
  timer.lap(`post-selection similarity${suffix}`);
  const correlated = quasiCliqueMembers(original);
  timer.lap(`quasi-cliques${suffix}`);
  const input =
    pss.keptRatings.length === original.ratingNote.length
      ? original
      : withRatings(original, pss.keptRatings);
  const numRatings = countRatingsPerNote(input);
  const scorers = runModels(
    input,
    numRatings,
    { highVolume, correlated },
    { seed: 42, onStepDone: (step) => timer.lap(`${step}${suffix}`) },
  );
  const { core } = scorers;
  const models = metaScore(scorers);
  timer.lap(`meta-scoring${suffix}`);
  // A run time a day after the synthetic timeline, so every note is old enough to lock.
  const stable = stabiliseStatuses(input, core.status, Date.UTC(2026, 1, 1), models);
  timer.lap(`stabilisation, locking, explanation tags${suffix}`);
  const count = (flags: Uint8Array): number => flags.reduce((a, b) => a + b, 0);
  console.log(
    `safeguards: ${count(highVolume)} high-volume raters, ${pss.cliques} PSS cliques ` +
      `(${original.ratingNote.length - input.ratingNote.length} ratings dropped), ` +
      `${count(correlated)} correlated raters; PSS pairs: ${pss.affinityPairs} writer–rater, ` +
      `${pss.coRatingPairs} co-rating`,
  );

  console.log(
    `topics: ${scorers.topics.topicNotes} topic notes, ` +
      `decided by ${[...countBy(models.decidedBy, (rule) => META_RULE_NAMES[rule as MetaRule])]
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}`,
  );
  const { prescoring, final } = core;
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
  for (const s of core.status) {
    const name = NOTE_STATUS_NAMES[s as NoteStatus];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  console.log('core statuses:', Object.fromEntries(counts));
  const shown = new Map<string, number>();
  for (const s of stable.finalStatus) {
    const name = NOTE_STATUS_NAMES[s as NoteStatus];
    shown.set(name, (shown.get(name) ?? 0) + 1);
  }
  console.log('final statuses (first timed run):', Object.fromEntries(shown));
  const arrays = [
    core.status,
    stable.finalStatus,
    final.intercept,
    final.factor,
    scorers.gaussian.intercept,
    scorers.coreWithTopics.final.intercept,
    scorers.expansion.status,
    scorers.expansionPlus.status,
    scorers.gaussianCoreWithTopics.intercept,
    models.decidedBy,
  ];
  arrays.push(final.interceptMax, final.interceptNoHighVol, final.interceptNoCorrelated);
  arrays.push(prescoring.finalRound.raterIntercept, prescoring.finalRound.raterFactor);
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function countBy(values: Uint8Array, key: (value: number) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
  return counts;
}

main();
