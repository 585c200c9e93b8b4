/**
 * The low-diligence fit (§7.3, `fitLowDiligence`) on its own, for issue 22's question whether its
 * cost per rating per Adam epoch stays flat as the community grows:
 *
 *   npm run bench:low-diligence -- [--ratings 1000000] [--seed 1]
 *     [--repeat 3] [--help]
 *
 * Generates the synthetic community of `benchmark.ts` (25 ratings per rater, 40 per note),
 * prescores it once for Core's final-round ratings and rater factors (without the safeguards, so
 * the ratings differ slightly from the pipeline's), then fits the low-diligence model `--repeat`
 * times in this thread. Prints per round the epochs and, per fit, its CPU time and CPU ns per
 * rating per epoch (the best of the repeats: the machine is shared), plus a sha256 of the model
 * so that a speed-up can show byte-identical results.
 */
import { loadavg } from 'node:os';

import { integerOption, parseArguments } from '../src/cli/arguments';
import { fitLowDiligence, type LowDiligenceModel } from '../src/lib/low-diligence';
import { prescore } from '../src/lib/prescoring';
import {
  countRatingsPerNote,
  filterRatingsForTraining,
  refineSelection,
} from '../src/lib/rating-filters';
import { lowDiligenceModelSha256 } from '../src/synthetic/model-hash';
import { syntheticScoringInput } from '../src/synthetic/synthetic-data';

function main(): void {
  const { values } = parseArguments(process.argv.slice(2), {
    values: ['ratings', 'seed', 'repeat'],
    usage:
      'npm run bench:low-diligence -- [--ratings 1000000] [--seed 1] [--repeat 3]\n' +
      "Fits the low-diligence model alone on Core's final-round ratings of bench:scoring's\n" +
      'synthetic community; prints epochs per round, CPU ns per rating per epoch (best of the\n' +
      "repeats) and the model's sha256.",
  });
  const ratings = integerOption(values, 'ratings', 1_000_000);
  const seed = integerOption(values, 'seed', 1);
  const repeat = integerOption(values, 'repeat', 3);
  const raters = Math.round(ratings / 25);
  const notes = Math.round(ratings / 40);
  const { input } = syntheticScoringInput({ seed, raters, notes, ratings });
  const prescoring = prescore(input, countRatingsPerNote(input), { seed: 42 });
  // prescore's own final-round selection, rebuilt: it is not part of its result.
  const helpful = prescoring.helpfulness.aboveHelpfulnessThreshold;
  const selection = refineSelection(
    filterRatingsForTraining(input),
    (i) => helpful[input.ratingRater[i]] === 1,
  );
  const raterFactor = prescoring.finalRound.raterFactor;
  const distinctRaters = new Set(selection.map((i) => input.ratingRater[i])).size;
  console.log(
    `${ratings} ratings generated, ${selection.length} in the fit ` +
      `(${(selection.length / notes).toFixed(1)} per note, ${distinctRaters} raters, ` +
      `${(selection.length / distinctRaters).toFixed(1)} per rater)`,
  );
  let best = Infinity;
  let model: LowDiligenceModel | undefined;
  for (let r = 0; r < repeat; r++) {
    const load = loadavg()[0];
    const cpu = process.cpuUsage();
    model = fitLowDiligence(input, selection, raterFactor);
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    const epochs = model.sweeps.reduce((a, b) => a + b, 0);
    const ns = (ms * 1e6) / (selection.length * epochs);
    best = Math.min(best, ns);
    console.log(
      `fit ${r + 1}: epochs ${model.sweeps.join(' + ')}, CPU ${(ms / 1000).toFixed(2)} s, ` +
        `${ns.toFixed(1)} ns per rating per epoch (load ${load.toFixed(2)})`,
    );
  }
  if (!model) return;
  console.log(
    `best ${best.toFixed(1)} ns per rating per epoch; model sha256 ${lowDiligenceModelSha256(model)}`,
  );
}

main();
