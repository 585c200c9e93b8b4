import {
  ALGORITHM_VERSION,
  LOW_DILIGENCE_THRESHOLD,
  NoteStatus,
  RuleId,
  RunInputBuilder,
  scoreWithFrozenRaters,
  type FrozenRaters,
  type RunNote,
  type ScoringResult,
  type ShownStatus,
  type TopicSeed,
} from '@bridgenotes/scoring';

import { checkAlgorithm } from './algorithms';
import { runNoteOf, versionAt } from './cut-input';
import type { ReportDiscrepancy } from './discrepancy';
import type { PreviousHistories } from './previous-histories';
import type {
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  ResultRecord,
  RunRecord,
} from './export-format';
import { batchOf } from './replaced-ratings';
import { compareRunResults } from './run-recomputation';

/**
 * How far a note's low-diligence intercept moves when it is refitted apart from its run's other
 * notes: up to 0.32 on the synthetic community of frozen-scoring.spec (docs/verifiability.md).
 */
export const LOW_DILIGENCE_TOLERANCE = 0.35;

const APPROXIMATE =
  "scored apart from the other notes of its run, which later runs rescored: the low-diligence refit stops on the loss of the whole input, and this note is within its tolerance of that filter's threshold, which decides its status";

/**
 * Whether the low-diligence filter, with an intercept refitted within the tolerance, may explain
 * another status than the recomputed one: the recomputed intercept is within
 * `LOW_DILIGENCE_TOLERANCE` of the threshold, and the filter decides between the two statuses,
 * the only ones it moves a note between: it fired in the recomputation (FilterLowDiligence among
 * the Core's active rules) and the run published the note helpful, or it did not and the Core
 * found the note helpful, which the run's firing filter would have held at NEEDS_MORE_RATINGS.
 * The history and deciding model of such a note follow its status.
 */
export function lowDiligenceExplains(
  result: Pick<ScoringResult, 'safeguards' | 'activeRules' | 'status'>,
  index: number,
  published: ShownStatus,
  expected: ShownStatus,
): boolean {
  const intercept = result.safeguards?.lowDiligenceIntercept[index] ?? NaN;
  if (!(Math.abs(intercept - LOW_DILIGENCE_THRESHOLD) <= LOW_DILIGENCE_TOLERANCE)) return false;
  const fired = ((result.activeRules[index] as number) & (1 << RuleId.LowDiligence)) !== 0;
  const helpful = 'CURRENTLY_RATED_HELPFUL';
  const waiting = 'NEEDS_MORE_RATINGS';
  const pair = new Set([published, expected]);
  if (published !== expected && !(pair.has(helpful) && pair.has(waiting))) return false;
  return fired
    ? published === helpful || published === expected
    : result.status[index] === NoteStatus.CurrentlyRatedHelpful &&
        (published === waiting || published === expected);
}

/** What recomputing the incremental runs between the base and the latest found. */
export interface IntermediateSummary {
  /** Incremental runs whose notes still carry their results. */
  runs: number;
  notesCompared: number;
  /**
   * Notes whose published status, history or deciding model differs from the recomputation where
   * the low-diligence refit may explain it (`lowDiligenceExplains`): warnings, not checked.
   */
  notesTolerated: number;
  /**
   * Notes left out: their run's algorithm is not this verifier's, or the export does not say
   * which ratings it read, or when (older exports).
   */
  notesSkipped: number;
}

/**
 * The notes whose published result is still that of an incremental run before the latest one
 * (not rescored since), scored again. Such a run's input hash cannot be rebuilt (its other
 * notes were rescored since, from other histories and ratings), but its notes can: every
 * incremental run after the base scored against the base's frozen raters, the ones the export
 * carries, and with the raters frozen each note's fit, safeguards, status rules and
 * stabilisation read only its own ratings and history (docs/architecture.md, "Incremental
 * runs") — all but one: the low-diligence intercepts are refitted by full-batch Adam, which
 * stops when the loss of the whole input settles, so a note scored without its run's other
 * notes gets slightly other ones (up to 0.32 seen on synthetic data, no status changed). A
 * difference is therefore a warning where that filter may explain it (`lowDiligenceExplains`),
 * an error elsewhere; the status changes and the latest run's counts still tie these notes'
 * published statuses down exactly. Each note is scored with its
 * ratings as of its run's `changedThrough`: a rating changed after it, up to the latest run's,
 * would have had a later run rescore the note (each incremental run reads what changed since the
 * one before; `UnrescoredNotes` checks that none did), so none read later ones, and the ratings
 * changed since are read as they were (`versionAt`). A run of another algorithm, or that does not publish its cut or time (an older
 * export), has its notes skipped, which leaves the verification incomplete.
 */
export class IntermediateRecomputation {
  private readonly runs = new Map<string, { run: RunRecord; cut: bigint | undefined }>();
  private readonly notes: { run: RunRecord; note: RunNote }[] = [];
  private readonly runOf = new Map<string, { run: RunRecord; cut: bigint | undefined }>();
  private readonly ratings: RatingRecord[] = [];
  /** Notes left out, by their run. */
  private readonly skipped = new Map<RunRecord, number>();

  constructor(
    runs: readonly RunRecord[],
    latest: RunRecord,
    private readonly frozen: FrozenRaters,
    private readonly topicSeeds: readonly TopicSeed[],
    private readonly previous: PreviousHistories,
    private readonly report: ReportDiscrepancy,
  ) {
    for (const run of runs) {
      if (
        run.kind === 'INCREMENTAL' &&
        run.status === 'SUCCEEDED' &&
        run.id !== latest.id &&
        run.baseRunId === latest.baseRunId
      ) {
        this.runs.set(run.id, { run, cut: batchOf(run.changedThrough ?? undefined) });
      }
    }
  }

  /** A note of the export, with the history its result says its run started from. */
  addNote(note: NoteRecord, result: ResultRecord | undefined): void {
    const scored = result?.runId ? this.runs.get(result.runId) : undefined;
    if (!scored || !result) return;
    const { run, cut } = scored;
    if (
      cut === undefined ||
      run.algorithmVersion !== ALGORITHM_VERSION ||
      !Number.isSafeInteger(Date.parse(run.nowAt ?? ''))
    ) {
      this.skipped.set(run, (this.skipped.get(run) ?? 0) + 1);
      return;
    }
    this.previous.check(run, note, result.previousHistory);
    this.runOf.set(note.id, scored);
    this.notes.push({ run: scored.run, note: runNoteOf(note, result.previousHistory) });
  }

  /** A current rating, with the versions it replaced: its note's run read the one of its cut. */
  addRating(rating: RatingRecord, versions: readonly ReplacedRatingRecord[]): void {
    const scored = this.runOf.get(rating.noteId);
    if (!scored) return;
    const read = versionAt(rating, versions, scored.cut as bigint);
    if (read) this.ratings.push(read);
  }

  /** Each run's remaining notes scored against the frozen raters and compared as published. */
  finish(results: ReadonlyMap<string, ResultRecord>): IntermediateSummary {
    const builders = new Map<string, RunInputBuilder>();
    for (const { run, note } of this.notes) {
      let builder = builders.get(run.id);
      if (!builder) {
        builder = new RunInputBuilder(Date.parse(run.nowAt as string), this.topicSeeds);
        builders.set(run.id, builder);
      }
      builder.addNote(note);
    }
    for (const rating of this.ratings) {
      const { run } = this.runOf.get(rating.noteId) as { run: RunRecord };
      builders.get(run.id)?.addRating(rating);
    }
    let notesCompared = 0;
    const tolerated = new Set<string>();
    for (const [runId, builder] of builders) {
      const { run } = this.runs.get(runId) as { run: RunRecord };
      const built = builder.build();
      const result = scoreWithFrozenRaters(built.input, this.frozen, { nowMs: built.nowMs });
      notesCompared += compareRunResults(
        run,
        built.input,
        result,
        results,
        undefined,
        this.report,
        {
          onlyOwnResults: true,
          communityCounts: true,
          approximate: {
            why: APPROXIMATE,
            explains: (index, published, expected) =>
              lowDiligenceExplains(result, index, published, expected),
            tolerated,
          },
        },
      );
    }
    let notesSkipped = 0;
    for (const [run, count] of this.skipped) {
      notesSkipped += count;
      const what = `earlier incremental run ${run.id}, whose results ${count} notes still carry,`;
      if (!checkAlgorithm(run, what, this.report)) continue;
      this.report(
        'RUN_OUTDATED',
        `run ${run.id}`,
        `${count} notes still carry this incremental run's results, but it does not publish the change batch it read its input as of (changedThrough) or its time (nowAt): an older export, so their statuses cannot be recomputed from it`,
        'warning',
      );
    }
    return { runs: builders.size, notesCompared, notesTolerated: tolerated.size, notesSkipped };
  }
}
