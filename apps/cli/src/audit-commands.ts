import {
  directorySource,
  httpSource,
  rescoreExport,
  verifyExport,
  type ExportSource,
  type VerificationReport,
} from '@bridgenotes/open-data';
import {
  readCommunityNotes,
  scoreNotes,
  writeAuxNoteInfo,
  writeHelpfulnessScores,
  writeScoredNotes,
  writeStatusHistory,
} from '@bridgenotes/scoring';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { isUrl, type CliOptions } from './cli-options';
import { EXIT } from './exit-codes';
import { maxRecordBytes, positiveInteger, required, UsageError } from './usage-error';

function sourceOf(target: string | undefined, options: CliOptions): ExportSource {
  const where = required(target, 'an export folder or an instance URL');
  const maxBytes = maxRecordBytes(options['max-record-bytes']);
  if (!isUrl(where)) {
    if (maxBytes !== undefined) {
      throw new UsageError('--max-record-bytes is for an instance URL, not an export folder');
    }
    return directorySource(where);
  }
  return httpSource(where, required(options.community, '--community (with an instance URL)'), {
    ...(maxBytes !== undefined && { limits: { maxRecordBytes: maxBytes } }),
  });
}

/** One status line on stderr, rewritten at most twice a second. */
function progressPrinter() {
  const started = performance.now();
  let shown = 0;
  return (progress: { stage: string; done: number }, force = false) => {
    const now = performance.now();
    if (!force && now - shown < 500) return;
    shown = now;
    const seconds = (now - started) / 1000;
    process.stderr.write(
      `\r[${seconds.toFixed(1)} s] ${progress.stage}: ${progress.done.toLocaleString('en')}   `,
    );
  };
}

/**
 * The latest run's recomputation; for an incremental run, its base full run's first, then the
 * incremental runs between them.
 */
function runLines(run: NonNullable<VerificationReport['run']>): string[] {
  const standings =
    run.standingsCompared === null
      ? ''
      : `, ${run.standingsCompared} pseudonyms' rating and writing impact recomputed`;
  const { base } = run;
  if (!base) {
    return [
      run.recomputed
        ? `  latest run ${run.id} recomputed: ${run.notesCompared} note statuses compared${standings}`
        : `  latest run ${run.id} not recomputed`,
    ];
  }
  return [
    base.recomputed
      ? `  base full run ${base.id} recomputed from the data it read: frozen rater parameters checked, ${base.notesCompared} note statuses still its own compared${standings}`
      : `  base full run ${base.id} not recomputed: its frozen rater parameters are taken as exported`,
    ...intermediateLines(run.intermediate),
    run.recomputed
      ? `  latest run ${run.id} (incremental) recomputed against the frozen raters of full run ${base.id}: ${run.notesCompared} note statuses compared`
      : `  latest run ${run.id} (incremental) not recomputed`,
  ];
}

/** The notes earlier incremental runs still publish, each rescored on its own. */
function intermediateLines(found: NonNullable<VerificationReport['run']>['intermediate']) {
  if (!found || found.notesCompared + found.notesSkipped === 0) return [];
  const skipped = found.notesSkipped > 0 ? `, ${found.notesSkipped} rated since left out` : '';
  const tolerated =
    found.notesTolerated > 0
      ? `, ${found.notesTolerated} matched only within the low-diligence tolerance`
      : '';
  return [
    `  ${found.runs} earlier incremental runs: ${found.notesCompared} note statuses they still publish recomputed against the same frozen raters${tolerated}${skipped}`,
  ];
}

function printReport(report: VerificationReport): void {
  const errors = report.discrepancies.filter((found) => found.severity === 'error');
  const warnings = report.discrepancies.filter((found) => found.severity === 'warning');
  console.log(`community ${report.community.slug} (${report.community.id})`);
  const c = report.counts;
  console.log(
    `  ${c.members} members, ${c.roots} roots, ${c.notes} notes, ${c.ratings} ratings, ${c.requests} note requests, ${c.runs} scoring runs`,
  );
  console.log(
    `  ${report.proofs.checked} proofs checked, Groth16 verified for ${report.proofs.groth16Verified}${report.proofs.sampled ? ' (random sample)' : ''}`,
  );
  if (report.promotion) {
    const p = report.promotion;
    console.log(
      `  promoted on ${p.at} from ${p.from.url} (community ${p.from.community}): its root ${p.root} of ${p.treeSize} members and every change below its horizon ${p.originChangeHorizon}; written here from batch ${p.changeHorizon}`,
    );
  }
  if (report.run) for (const line of runLines(report.run)) console.log(line);
  else console.log('  no finished scoring run to recompute');
  if (report.moderation) {
    const m = report.moderation;
    console.log(
      `  moderation log: ${m.entries} entries, chain checked; ${m.redactedNotes} redacted notes verified by hash, ${m.hiddenNotes} hidden`,
    );
  }
  for (const found of report.discrepancies) {
    console.log(
      `  ${found.severity.toUpperCase()} ${found.code} ${found.subject}: ${found.message}`,
    );
  }
  if (report.unchecked.length > 0) console.log(`  not checked: ${report.unchecked.join(', ')}`);
  console.log(`${report.verdict}: ${errors.length} discrepancies, ${warnings.length} warnings`);
}

/** `verify`'s exit code by verdict (2 is a usage error, as for every command). */
const EXIT_CODES: Record<VerificationReport['verdict'], number> = {
  VERIFIED: EXIT.OK,
  DISCREPANCIES: EXIT.FINDINGS,
  INCOMPLETE: EXIT.INCOMPLETE,
};

/**
 * `--community` names the community the auditor means to verify: an export of another one (a
 * folder saved from it, or an instance answering for it) is a mistake in the command line.
 */
async function checkCommunity(source: ExportSource, wanted: string | undefined): Promise<void> {
  if (wanted === undefined) return;
  const { community } = await source.manifest();
  // A manifest without its community is for verifyExport to refuse, by name.
  if (community === undefined) return;
  if (wanted !== community.slug && wanted !== community.id) {
    throw new UsageError(
      `--community ${wanted} is not the community of ${source.location}: ${community.slug} (${community.id})`,
    );
  }
}

export async function verifyCommand(args: string[], options: CliOptions): Promise<number> {
  // The command line first: a mistake in it is exit 2 whether or not the export can be read.
  const threads =
    positiveInteger(options.threads, '--threads') ?? Math.max(1, availableParallelism() - 1);
  const sample = positiveInteger(options.sample, '--sample');
  if (sample === 0) throw new UsageError('--sample 0 would check no proof: give at least 1');
  const source = sourceOf(args[0], options);
  await checkCommunity(source, options.community);
  const print = progressPrinter();
  const report = await verifyExport(source, {
    sample,
    threads,
    onProgress: (progress) => print(progress),
  });
  // A live instance read over minutes: a change to records already read (a rating replaced, a
  // member removed) is "the community changed while being read" (exit 3), not a finding
  // against the operator.
  await source.settle?.();
  process.stderr.write('\n');
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return EXIT_CODES[report.verdict];
}

/** A time given as epoch milliseconds or as an ISO 8601 date. */
function timeOption(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^[0-9]+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms))
    throw new UsageError(`${what} must be epoch milliseconds or an ISO 8601 time`);
  return ms;
}

export async function scoreCommand(args: string[], options: CliOptions): Promise<number> {
  const seed = positiveInteger(options.seed, '--seed');
  if (options.notes !== undefined || options.ratings !== undefined) {
    if (options.settled && options['epoch-millis'] !== undefined) {
      throw new UsageError('--settled and --epoch-millis exclude each other');
    }
    const data = await readCommunityNotes(
      {
        notes: required(options.notes, '--notes'),
        ratings: required(options.ratings, '--ratings'),
        status: options.status,
        enrollment: options.enrollment,
      },
      { memberMinutes: options['member-minutes'] },
    );
    // As the reference: a single run at --epoch-millis (default now), stabilisation and locking
    // applied and the history for the next run written; --settled: the statuses notes settle to.
    const nowMs = options.settled
      ? undefined
      : (timeOption(options['epoch-millis'], '--epoch-millis') ?? Date.now());
    console.log(
      nowMs === undefined
        ? 'settled statuses (--settled): the status each note settles to'
        : `a single run at ${new Date(nowMs).toISOString()}: new helpful notes are held by stabilisation (--settled for the settled statuses)`,
    );
    const result = scoreNotes(data.input, { seed, nowMs });
    const outdir = options.outdir ?? '.';
    mkdirSync(outdir, { recursive: true });
    writeScoredNotes(
      join(outdir, 'scored_notes.tsv'),
      result,
      data.classification,
      data.coreShare,
      nowMs !== undefined,
    );
    writeAuxNoteInfo(join(outdir, 'aux_note_info.tsv'), result, data.coreShare);
    writeHelpfulnessScores(join(outdir, 'helpfulness_scores.tsv'), result);
    if (result.history) writeStatusHistory(join(outdir, 'note_status_history.tsv'), result.history);
    console.log(
      `scored ${data.input.noteIds.length} notes; wrote ${outdir}/scored_notes.tsv, aux_note_info.tsv, helpfulness_scores.tsv${result.history ? ' and note_status_history.tsv' : ''}`,
    );
    return 0;
  }
  const rescored = await rescoreExport(sourceOf(args[0], options), {
    seed,
    nowMs: timeOption(options.now, '--now'),
  });
  console.log('noteId\tstatus\tpublished');
  for (const note of rescored.notes)
    console.log(`${note.noteId}\t${note.status}\t${note.published ?? ''}`);
  const differing = rescored.notes.filter((note) => note.status !== note.published).length;
  console.error(
    `${rescored.notes.length} notes, ${rescored.ratingCount} ratings, scored at ${new Date(rescored.nowMs).toISOString()} (input ${rescored.inputHash}, data ${rescored.dataHash}); ${differing} statuses differ from the published ones`,
  );
  return 0;
}
