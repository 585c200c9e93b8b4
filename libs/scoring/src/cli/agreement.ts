/**
 * Scores a reference-data folder (laid out like `shared/reference-data/cn-small`: `tsv/` the
 * Community Notes input files, `reference-output/` the reference scorer's output on them,
 * optionally `truth/` and `meta.json`) and prints how far our statuses agree with the
 * reference's: Core status, settled and single-run final status, FilterLowDiligence firing,
 * intercept differences, helpful recall, the truth-based figures for both sides, and, when the
 * folder has the reference's `helpfulness_scores.tsv`, which raters reach Core's final round and
 * how far their parameters differ.
 *
 *   npm run score:agreement -- --data <folder> [--seed 42] [--json]
 */
import { DEFAULT_SEED } from '../lib/scorer';
import { readCommunityNotes } from '../tsv/community-notes-reader';
import {
  agreement,
  formatAgreement,
  readReferenceData,
  referenceInputPaths,
} from '../tsv/reference-agreement';
import { ourScores } from '../tsv/our-notes';
import { formatRaterAgreement, raterAgreement, readReferenceRaters } from '../tsv/rater-agreement';
import { integerOption, parseArguments } from './arguments';

const USAGE = `usage: npm run score:agreement -- --data <folder> [--seed <n>] [--json]

Scores <folder>/tsv/ (notes-00000.tsv, ratings/, noteStatusHistory-00000.tsv,
userEnrollment-00000.tsv; each may be .gz) twice — once settled (no run time: the status each
note settles to) and once as a single first run at meta.json's epochMillis — and compares with
<folder>/reference-output/ (scored_notes.tsv, aux_note_info.tsv, statuses.csv and, if there,
helpfulness_scores.tsv) and <folder>/truth/notes_truth.csv.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const { values, flags } = parseArguments(argv, { values: ['data', 'seed'], flags: ['json'] });
  const folder = values.get('data');
  if (folder === undefined) throw new Error(USAGE);
  const seed = integerOption(values, 'seed', DEFAULT_SEED);
  const [data, reference, referenceRaters] = await Promise.all([
    readCommunityNotes(referenceInputPaths(folder)),
    readReferenceData(folder),
    readReferenceRaters(folder),
  ]);
  const ours = ourScores(data, { seed, epochMillis: reference.epochMillis });
  const figures = agreement(ours.notes, reference);
  const raters = referenceRaters ? raterAgreement(ours.raters, referenceRaters) : undefined;
  if (flags.has('json')) console.log(JSON.stringify({ ...figures, raters }, null, 2));
  else
    console.log(
      [formatAgreement(figures), ...(raters ? formatRaterAgreement(raters) : [])].join('\n'),
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
