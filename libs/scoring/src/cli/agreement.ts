/**
 * Scores a reference-data folder (laid out like `shared/reference-data/cn-small`: `tsv/` the
 * Community Notes input files, `reference-output/` the reference scorer's output on them,
 * optionally `truth/` and `meta.json`) and prints how far our statuses agree with the
 * reference's: Core status, settled and single-run final status, FilterLowDiligence firing,
 * intercept differences, helpful recall, the truth-based figures for both sides, and, when the
 * folder has the reference's `helpfulness_scores.tsv`, which raters reach Core's final round, how
 * far their parameters differ and what the notes they rated account for. `--init-noise <runs>`
 * adds how far the reference's random start of its low-diligence model alone moves Core statuses
 * (`init-noise.ts`). `--torch-seed <n>` starts our low-diligence model from the draws the
 * reference's gets after `torch.manual_seed(n)` (its `--seed`), replayed
 * (`ScoringOptions.lowDiligenceTorchSeed`).
 *
 *   npm run score:agreement -- --data <folder> [--seed 42] [--torch-seed 1] [--init-noise 8]
 *     [--json]
 */
import { DEFAULT_SEED } from '../lib/scorer';
import { readCommunityNotes } from '../tsv/community-notes-reader';
import {
  agreement,
  formatAgreement,
  readReferenceData,
  referenceInputPaths,
} from '../tsv/reference-agreement';
import { formatInitNoise, initNoise } from '../tsv/init-noise';
import { ourScores } from '../tsv/our-notes';
import {
  formatInterceptsWithoutSplitRaters,
  formatRaterAgreement,
  interceptsWithoutSplitRaters,
  raterAgreement,
  readReferenceRaters,
} from '../tsv/rater-agreement';
import { integerOption, parseArguments } from './arguments';

const USAGE = `usage: npm run score:agreement -- --data <folder> [--seed <n>] [--torch-seed <n>]
         [--init-noise <runs>] [--json]

Scores <folder>/tsv/ (notes-00000.tsv, ratings/, noteStatusHistory-00000.tsv,
userEnrollment-00000.tsv; each may be .gz) twice — once settled (no run time: the status each
note settles to) and once as a single first run at meta.json's epochMillis — and compares with
<folder>/reference-output/ (scored_notes.tsv, aux_note_info.tsv, statuses.csv and, if there,
helpfulness_scores.tsv) and <folder>/truth/notes_truth.csv.

--init-noise <runs> scores the data <runs> more times, settled, with the low-diligence model's
note factors, note intercepts and rater intercepts started from N(0, 1) draws (seeds 1 to <runs>) as the reference
starts them, and prints how far those runs' Core statuses agree with each other and with the
reference's: the spread the reference's own random start leaves (a few seconds a run).

--torch-seed <n> starts our low-diligence model's note factors, note intercepts and rater
intercepts from the draws the reference's get after torch.manual_seed(<n>) (the reference's
--seed), replayed; they line up only when both Core final rounds have the same raters and notes.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const { values, flags } = parseArguments(argv, {
    values: ['data', 'seed', 'torch-seed', 'init-noise'],
    flags: ['json'],
  });
  const folder = values.get('data');
  if (folder === undefined) throw new Error(USAGE);
  const seed = integerOption(values, 'seed', DEFAULT_SEED);
  const noiseRuns = integerOption(values, 'init-noise', 0);
  const [data, reference, referenceRaters] = await Promise.all([
    readCommunityNotes(referenceInputPaths(folder)),
    readReferenceData(folder),
    readReferenceRaters(folder),
  ]);
  const torchSeed = values.has('torch-seed') ? integerOption(values, 'torch-seed', 0) : undefined;
  const ours = ourScores(data, {
    seed,
    epochMillis: reference.epochMillis,
    lowDiligenceTorchSeed: torchSeed,
  });
  const figures = agreement(ours.notes, reference);
  const raters = referenceRaters ? raterAgreement(ours.raters, referenceRaters) : undefined;
  const withoutSplitRaters =
    raters && interceptsWithoutSplitRaters(raters, data.input, ours.notes, reference);
  const noise = noiseRuns > 0 ? initNoise(data, reference, noiseRuns, seed) : undefined;
  if (flags.has('json')) {
    console.log(JSON.stringify({ ...figures, raters, withoutSplitRaters, noise }, null, 2));
    return;
  }
  const lines = [formatAgreement(figures)];
  if (raters && withoutSplitRaters) {
    lines.push(...formatRaterAgreement(raters));
    lines.push(formatInterceptsWithoutSplitRaters(withoutSplitRaters));
  }
  if (noise) lines.push(...formatInitNoise(noise));
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
