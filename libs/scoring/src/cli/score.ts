/**
 * Scores Community Notes' public data files with the Core scorer:
 *
 *   npx tsx libs/scoring/src/cli/score.ts --notes notes.tsv --ratings ratings/ \
 *     [--status noteStatusHistory.tsv] [--enrollment userEnrollment.tsv] [--outdir out] [--seed 42]
 *     [--epoch-millis <run time>]
 *
 * `--ratings` is one file or a folder of `*.tsv` files. Writes `scored_notes.tsv` and
 * `helpfulness_scores.tsv` into `--outdir` with the reference's column names; with
 * `--epoch-millis` (the reference's name for the run time) stabilisation and locking apply and
 * `note_status_history.tsv` is written for the next run's `--status`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_SEED, scoreNotes } from '../lib/scorer';
import { readCommunityNotes } from '../tsv/community-notes-reader';
import { writeHelpfulnessScores, writeScoredNotes, writeStatusHistory } from '../tsv/tsv-output';
import { integerOption, parseArguments } from './arguments';

async function main(): Promise<void> {
  const { values } = parseArguments(process.argv.slice(2), {
    values: ['notes', 'ratings', 'status', 'enrollment', 'outdir', 'seed', 'epoch-millis'],
  });
  const notes = values.get('notes');
  const ratings = values.get('ratings');
  if (notes === undefined || ratings === undefined) {
    throw new Error(
      'usage: score --notes <file> --ratings <file|dir> [--status <file>] ' +
        '[--enrollment <file>] [--outdir <dir>] [--seed <n>]',
    );
  }
  const outdir = values.get('outdir') ?? '.';
  const started = performance.now();
  const log = (message: string): void =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);

  const data = await readCommunityNotes({
    notes,
    ratings,
    status: values.get('status'),
    enrollment: values.get('enrollment'),
  });
  log(
    `read ${data.input.noteIds.length} notes, ${data.ratingRows} rating rows, ` +
      `${data.input.ratingNote.length} ratings kept for the Core scorer`,
  );
  const epoch = values.get('epoch-millis');
  const nowMs = epoch === undefined ? undefined : Number(epoch);
  if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new Error('--epoch-millis: a number');
  const result = scoreNotes(data.input, {
    seed: integerOption(values, 'seed', DEFAULT_SEED),
    nowMs,
  });
  const { firstRoundSummary: r1, finalRoundSummary: r2 } = result.prescoring;
  log(
    `scored: round 1 ${r1.ratings} ratings / ${r1.raters} raters (train MSE ` +
      `${r1.trainMse.toFixed(4)}), final round ${r2.ratings} ratings / ${r2.raters} raters`,
  );
  mkdirSync(outdir, { recursive: true });
  const timed = nowMs !== undefined;
  writeScoredNotes(
    join(outdir, 'scored_notes.tsv'),
    result,
    data.classification,
    data.coreShare,
    timed,
  );
  writeHelpfulnessScores(join(outdir, 'helpfulness_scores.tsv'), result);
  if (result.history) writeStatusHistory(join(outdir, 'note_status_history.tsv'), result.history);
  log(
    `wrote ${outdir}/scored_notes.tsv, helpfulness_scores.tsv${timed ? ', note_status_history.tsv' : ''}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
