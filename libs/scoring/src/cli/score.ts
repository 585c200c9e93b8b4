/**
 * Scores Community Notes' public data files with this library's scorers (Core, Gaussian and
 * their meta-scoring, with every safeguard). `--help` prints the usage.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_SEED } from '../lib/scorer';
import { scoreNotesInThreads } from '../parallel/threaded-scoring';
import { readCommunityNotes } from '../tsv/community-notes-reader';
import {
  writeAuxNoteInfo,
  writeHelpfulnessScores,
  writeScoredNotes,
  writeStatusHistory,
} from '../tsv/tsv-output';
import { integerOption, parseArguments } from './arguments';

const USAGE = `usage: npm run score -- --notes <notes.tsv> --ratings <ratings.tsv | folder>
         [--status <noteStatusHistory.tsv>] [--enrollment <userEnrollment.tsv>]
         [--outdir <folder>] [--seed <n>] [--epoch-millis <ms> | --settled] [--member-minutes]

Reads Community Notes' public download files (any may be gzipped, name.gz; --ratings may be a
folder of *.tsv files) and writes, in --outdir (default .), with the reference's column names:
  scored_notes.tsv        per note: finalRatingStatus, decidedBy, Core columns (coreRatingStatus
                          with FIRM_REJECT / NEEDS_YOUR_HELP, intercept, factor, bounds, rules),
                          Gaussian columns (gaussianNoteIntercept, gaussianRatingStatus, ...),
                          the same for coreWithTopics, expansion, expansionPlus and
                          gaussianCoreWithTopics, and the topic models' (topicNoteIntercept,
                          topicNoteFactor1, topicNoteConfident, topicNumFinalRoundRatings,
                          noteTopic)
  aux_note_info.tsv       per note: lowDiligenceIntercept, preStabilizationRatingStatus
  helpfulness_scores.tsv  per rater: Core rater intercept/factor, agreement, helpfulness
  note_status_history.tsv the updated status history, to pass as --status to the next run

Two ways to run, as with the reference:
  (default)               a single run at --epoch-millis (default: now), like the reference's
                          default: a note newly rated helpful is held at NEEDS_MORE_RATINGS
                          for 30-60 minutes by stabilisation (NmrDueToMinStableCrhTime).
  --settled               no run time: the status each note settles to (what a second run at
                          least 61 minutes later shows), NEEDS_YOUR_HELP shown as
                          NEEDS_MORE_RATINGS. No note_status_history.tsv.

--member-minutes          the files are a Bridgenotes export's: their times are members' own
                          minutes, so a rating counts as made before a decision only 11 minutes
                          before it, a decision released from a stabilisation hold dates from
                          the hold's start, and the fast-rater windows allow for both minutes,
                          as the instance counts them (docs/verifiability.md).

Scorers: Core, CoreWithTopics, Expansion, ExpansionPlus, Gaussian and GaussianCoreWithTopics,
and one topic model per topic, then meta-scoring in the reference's order (decidedBy names the
deciding scorer or rule: TopicModel01, 02… for a topic model's veto, numbered as the topics).
Topics come from the notes' summaries: the reference's seed terms, extended by its TF-IDF
classifier. Core leaves topic notes to CoreWithTopics, and a topic's model scores its notes when
some rater rated ten of them (noteTopic names it, as in the reference). Not implemented: group and multi-group models
(libs/scoring/README.md, "Differences").`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const { values, flags } = parseArguments(argv, {
    values: ['notes', 'ratings', 'status', 'enrollment', 'outdir', 'seed', 'epoch-millis'],
    flags: ['settled', 'member-minutes'],
  });
  const notes = values.get('notes');
  const ratings = values.get('ratings');
  if (notes === undefined || ratings === undefined) throw new Error(USAGE);
  const outdir = values.get('outdir') ?? '.';
  const started = performance.now();
  const log = (message: string): void =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);

  const data = await readCommunityNotes(
    {
      notes,
      ratings,
      status: values.get('status'),
      enrollment: values.get('enrollment'),
    },
    { memberMinutes: flags.has('member-minutes') },
  );
  log(
    `read ${data.input.noteIds.length} notes, ${data.ratingRows} rating rows, ` +
      `${data.input.ratingNote.length} ratings kept for the Core scorer`,
  );
  const epoch = values.get('epoch-millis');
  if (epoch !== undefined && flags.has('settled')) {
    throw new Error('--settled and --epoch-millis exclude each other (see --help)');
  }
  // The library never reads the clock; "now" is this command's, like the reference's default.
  const nowMs = flags.has('settled') ? undefined : epoch === undefined ? Date.now() : Number(epoch);
  if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new Error('--epoch-millis: a number');
  log(
    nowMs === undefined
      ? 'settled statuses (--settled): the status each note settles to, no stabilisation hold'
      : `a single run at ${new Date(nowMs).toISOString()} (epoch-millis ${nowMs}): new helpful ` +
          'notes are held by stabilisation; --settled gives the settled statuses',
  );
  const result = await scoreNotesInThreads(data.input, {
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
  writeAuxNoteInfo(join(outdir, 'aux_note_info.tsv'), result, data.coreShare);
  writeHelpfulnessScores(join(outdir, 'helpfulness_scores.tsv'), result);
  if (result.history) writeStatusHistory(join(outdir, 'note_status_history.tsv'), result.history);
  log(
    `wrote ${outdir}/scored_notes.tsv, aux_note_info.tsv, helpfulness_scores.tsv` +
      (timed ? ', note_status_history.tsv' : ''),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
