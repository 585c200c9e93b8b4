import {
  ALGORITHM_VERSION,
  canonicalStatusHistory,
  META_RULE_NAMES,
  MetaRule,
  NoteStatus,
  scoreNotes,
  SHOWN_STATUSES,
  shownStatus,
  statusHistoryFromJson,
  type RunInput,
  type ScoringInput,
  type ScoringResult,
  type ShownStatus,
} from '@bridgenotes/scoring';

import { findLaterCut, type CutInput, type ExportReread } from './cut-input';
import type { ReportDiscrepancy } from './discrepancy';
import type { IntermediateSummary } from './intermediate-runs';
import type { ResultRecord, RunRecord, StandingRecord } from './export-format';
import { checkStandings } from './verify-standings';

/** What recomputing the latest run found. */
export interface RunRecomputation {
  id: string;
  recomputed: boolean;
  notesCompared: number;
  /** Pseudonyms whose earned standing was recomputed; null when the export has none. */
  standingsCompared: number | null;
  /**
   * For an incremental run, its base full run: whether its input was rebuilt and its frozen
   * rater parameters recomputed equal, and how many notes still carry its results were compared.
   */
  base?: { id: string; recomputed: boolean; notesCompared: number };
  /** For an incremental run, the notes still carrying the results of incremental runs before it. */
  intermediate?: IntermediateSummary;
}

/**
 * The verifier's last step: the latest run scored again from its input rebuilt from the export
 * (`rebuildRunInput`), with the run's published time, seed and starting histories, and compared
 * with what it published (each note's status and history, and each pseudonym's earned standing
 * when the export has the standings stream). Null `built`: the input was not rebuilt (reported).
 */
export function recomputeRun(
  run: RunRecord,
  built: RunInput | undefined,
  results: ReadonlyMap<string, ResultRecord>,
  statusAfter: ReadonlyMap<string, ShownStatus> | undefined,
  report: ReportDiscrepancy,
  standings: ReadonlyMap<string, StandingRecord> | null,
  recomputed: Map<string, ShownStatus>,
): RunRecomputation {
  if (!built) return { id: run.id, recomputed: false, notesCompared: 0, standingsCompared: null };
  const result = scoreNotes(built.input, {
    seed: run.seed ?? undefined,
    nowMs: built.nowMs,
    topicSeeds: built.topicSeeds,
  });
  const notesCompared = compareRunResults(run, built.input, result, results, statusAfter, report, {
    onlyOwnResults: false,
    statuses: recomputed,
  });
  const standingsCompared = standings
    ? checkStandings(run.id, built.input, result, standings, report)
    : null;
  return { id: run.id, recomputed: true, notesCompared, standingsCompared };
}

/**
 * The run's input rebuilt from the export as of its `changedThrough`, or of the later cut its
 * loader may have read its ratings at (`findLaterCut`); undefined, with the reason reported,
 * when neither gives its input hash.
 */
export async function rebuildRunInput(
  run: RunRecord,
  cut: CutInput,
  reread: ExportReread,
  report: ReportDiscrepancy,
): Promise<RunInput | undefined> {
  const built = cut.build();
  if (built.inputHash !== run.inputHash) {
    const later = await findLaterCut(reread, cut, run);
    if (later.input)
      return checkRunInput(run, later.input, cut, later, report) ? later.input : undefined;
    checkRunInput(run, built, cut, later, report);
    return undefined;
  }
  return checkRunInput(run, built, cut, { tried: 0, left: 0 }, report) ? built : undefined;
}

/**
 * Whether `built` is the run's input (its input hash), else the reason reported. The data the
 * run read is known when the export gives the cut (`changedThrough`, `changedBatch`): any other
 * input is an error, but for a redaction since (with topics, the run read the text it removed:
 * a warning). An older export does not say what the run read: a different input is then a
 * warning that the run cannot be recomputed, unless its data hash is the exported data's.
 */
function checkRunInput(
  run: RunRecord,
  built: RunInput,
  cut: CutInput,
  later: { tried: number; left: number },
  report: ReportDiscrepancy,
): boolean {
  const subject = `run ${run.id}`;
  // Runs before the data hash was kept publish none: the input hash alone decides.
  const sameData = typeof run.dataHash === 'string' ? built.dataHash === run.dataHash : undefined;
  if (built.inputHash === run.inputHash && sameData === false) {
    report(
      'RUN_DATA_HASH_MISMATCH',
      subject,
      `the run's data hash ${run.dataHash} is not the hash of the exported notes (their posts by key) and ratings (${built.dataHash}), which its input hash says it scored`,
    );
  }
  if (built.inputHash !== run.inputHash) {
    if (sameData === true && cut.redactedSince > 0) {
      // Topic assignment read the notes' texts, and a redaction removed some since: the run's
      // input cannot be rebuilt, though its notes and ratings are the ones it read.
      report(
        'RUN_PREDATES_REDACTION',
        subject,
        `${cut.redactedSince} notes were redacted since the run read them, and it read their texts (topic assignment): its statuses cannot be recomputed from this export; the next run can be`,
        'warning',
      );
    } else if (cut.exact) {
      const tried =
        later.tried === 0
          ? ''
          : `, nor as of any of the ${later.tried} later batches its loader may have read ratings at${later.left > 0 ? ` (${later.left} more not tried)` : ''}`;
      report(
        later.left > 0 ? 'RUN_OUTDATED' : 'RUN_INPUT_MISMATCH',
        subject,
        `the run's input hash ${run.inputHash} is not the hash of the exported notes and ratings as of batch ${cut.cut} (its changedThrough: ${built.inputHash})${tried}; ${cut.batchesAfter} later batches changed ratings of its notes`,
        later.left > 0 ? 'warning' : 'error',
      );
    } else if (sameData === true) {
      // The data is exactly what the run read: newer records cannot explain the difference.
      report(
        'RUN_INPUT_MISMATCH',
        subject,
        `the exported notes and ratings are the ones the run read (data hash ${run.dataHash}), but its input hash ${run.inputHash} is not the hash of them with the published run time and starting histories (${built.inputHash})`,
      );
    } else {
      report(
        'RUN_OUTDATED',
        subject,
        `the export does not say which data the run read (${cut.cut === undefined ? 'the run has no changedThrough' : `${cut.unmarked} notes or ratings carry no changedBatch`}: an older export), and the exported data is not it (input hash ${built.inputHash}, not ${run.inputHash}): its statuses cannot be recomputed from this export`,
        'warning',
      );
    }
    return false;
  }
  if (built.noteCount !== run.noteCount || built.ratingCount !== run.ratingCount) {
    report(
      'RUN_COUNTS_MISMATCH',
      subject,
      `the run reports ${run.noteCount} notes and ${run.ratingCount} ratings; its input has ${built.noteCount} and ${built.ratingCount}`,
    );
  }
  return true;
}

/**
 * Each note of the run's input compared with its published result (status, history, deciding
 * model), and the regime; the run's status counts when it published its own. With
 * `statusAfter` (`StatusChangeLog`), the status the published changes leave each note at after
 * the run, for every note of the input. With `onlyOwnResults`, notes whose result a later run
 * replaced are not compared with it (a base full run). Returns how many results were compared.
 */
export function compareRunResults(
  run: RunRecord,
  input: ScoringInput,
  result: ScoringResult,
  results: ReadonlyMap<string, ResultRecord>,
  statusAfter: ReadonlyMap<string, ShownStatus> | undefined,
  report: ReportDiscrepancy,
  options: {
    onlyOwnResults: boolean;
    communityCounts?: boolean;
    /** Filled with the status the algorithm gives each note whose result is the run's. */
    statuses?: Map<string, ShownStatus>;
    /**
     * Where the recomputation may differ from the run's on an honest instance: a note's status,
     * history or deciding model that differs is a warning saying `why` when `explains` (given the
     * note's index, the published status and the algorithm's) says it may, else an error.
     */
    approximate?: {
      why: string;
      explains(index: number, published: ShownStatus, expected: ShownStatus): boolean;
      /** Filled with the notes whose differences were reported as warnings. */
      tolerated: Set<string>;
    };
  },
): number {
  const subject = `run ${run.id}`;
  let differs: ReportDiscrepancy = report;
  let compared = 0;
  const counts = Object.fromEntries(SHOWN_STATUSES.map((status) => [status, 0])) as Record<
    ShownStatus,
    number
  >;
  input.noteIds.forEach((noteId, index) => {
    const expected = shownStatus(result.finalStatus[index] as NoteStatus);
    counts[expected] += 1;
    // Every note of the input, its result still the run's or not: the run published `expected`.
    const left = statusAfter && (statusAfter.get(noteId) ?? 'NEEDS_MORE_RATINGS');
    if (left !== undefined && left !== expected) {
      report(
        'STATUS_HISTORY_MISMATCH',
        `note ${noteId}`,
        `the status changes leave the note at ${left} after run ${run.id}, the algorithm gives ${expected}`,
      );
    }
    const published = results.get(noteId);
    if (options.onlyOwnResults && published?.runId !== run.id) return;
    compared += 1;
    if (published?.runId === run.id) options.statuses?.set(noteId, expected);
    if (!published || published.runId !== run.id) {
      report(
        'RESULT_NOT_FROM_RUN',
        `note ${noteId}`,
        `the note was in run ${run.id}'s input but its published result is not that run's`,
      );
    } else {
      const approximate = options.approximate;
      differs =
        approximate && approximate.explains(index, published.status, expected)
          ? (code, about, message) => {
              approximate.tolerated.add(noteId);
              report(code, about, `${message} (${approximate.why})`, 'warning');
            }
          : report;
      if (published.status !== expected) {
        differs(
          'STATUS_MISMATCH',
          `note ${noteId}`,
          `published ${published.status}, but the algorithm gives ${expected} for run ${run.id}`,
        );
      }
      const history = statusHistoryFromJson(published.history);
      const computed = result.history?.[index];
      if (
        !history ||
        !computed ||
        canonicalStatusHistory(history) !== canonicalStatusHistory(computed)
      ) {
        differs(
          'HISTORY_MISMATCH',
          `note ${noteId}`,
          `the published status history is not the one the algorithm gives for run ${run.id} (the next run starts from it)`,
        );
      }
      // Which scorer decided (Core, Gaussian or the small-community regime) is part of the
      // published explanation; this algorithm's explanations always name it, so one stripped of
      // it is no explanation of the run.
      const publishedModel = (published.score as { decidingModel?: unknown } | null)?.decidingModel;
      const computedModel = META_RULE_NAMES[result.models.decidedBy[index] as MetaRule];
      const required = run.algorithmVersion === ALGORITHM_VERSION;
      if ((publishedModel !== undefined || required) && publishedModel !== computedModel) {
        differs(
          'DECIDING_MODEL_MISMATCH',
          `note ${noteId}`,
          `the published explanation says ${String(publishedModel)} decided, the algorithm gives ${computedModel} for run ${run.id}`,
        );
      }
    }
  });
  // The regime is chosen from the same input, so it must come out the same.
  if (run.regime !== result.regime.regime) {
    report(
      'REGIME_MISMATCH',
      subject,
      `the run says the ${JSON.stringify(run.regime)} regime decided its statuses; its input gives "${result.regime.regime}" (${result.regime.establishedRaters} members with 10 ratings, ${(100 * result.regime.coreKeptShare).toFixed(1)} % of ratings kept by the Core's filters)`,
    );
  }
  // An incremental run publishes the community's counts, most of them other runs' statuses.
  if (options.communityCounts) return compared;
  const claimed = run.statusCounts;
  if (!claimed || SHOWN_STATUSES.some((status) => claimed[status] !== counts[status])) {
    report(
      'RUN_COUNTS_MISMATCH',
      subject,
      `the run reports status counts ${JSON.stringify(claimed)}, the algorithm gives ${JSON.stringify(counts)}`,
    );
  }
  return compared;
}
