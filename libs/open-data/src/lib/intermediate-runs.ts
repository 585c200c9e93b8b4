import {
  ALGORITHM_VERSION,
  RunInputBuilder,
  scoreWithFrozenRaters,
  statusHistoryFromJson,
  type FrozenRaters,
  type RunNote,
  type TopicSeed,
} from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { RatingRecord, ResultRecord, RunRecord } from './export-format';
import { compareRunResults } from './run-recomputation';

const APPROXIMATE =
  "scored apart from the other notes of its run, which later runs rescored: the low-diligence refit stops on the loss of the whole input, so a note near that filter's threshold can come out otherwise on an honest instance";

/** What recomputing the incremental runs between the base and the latest found. */
export interface IntermediateSummary {
  /** Incremental runs whose notes still carry their results. */
  runs: number;
  notesCompared: number;
  /** Notes left out: rated again after the latest run, so not as their run read them. */
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
 * notes gets slightly other ones (up to 0.3 seen on synthetic data, no status changed). A
 * difference is therefore a warning, not an error; the status changes and the latest run's
 * counts still tie these notes' published statuses down exactly. A note keeps an earlier run's
 * result only while nothing changed it: a change before the latest run would have had that run
 * rescore it, so its ratings are the ones its run read, unless rated after the latest run
 * started (such notes are skipped and counted).
 */
export class IntermediateRecomputation {
  private readonly runs = new Map<string, RunRecord>();
  private readonly notes: { run: RunRecord; note: RunNote }[] = [];
  private readonly runOf = new Map<string, RunRecord>();
  private readonly ratings: RatingRecord[] = [];
  private readonly stale = new Set<string>();

  constructor(
    runs: readonly RunRecord[],
    latest: RunRecord,
    private readonly frozen: FrozenRaters,
    private readonly topicSeeds: readonly TopicSeed[],
    /** Ratings proven from this minute on may have arrived after the latest run read its input. */
    private readonly newerFromMinute: number,
    private readonly report: ReportDiscrepancy,
  ) {
    for (const run of runs) {
      if (
        run.kind === 'INCREMENTAL' &&
        run.status === 'SUCCEEDED' &&
        run.id !== latest.id &&
        run.baseRunId === latest.baseRunId &&
        run.algorithmVersion === ALGORITHM_VERSION &&
        Number.isSafeInteger(Date.parse(run.nowAt ?? ''))
      ) {
        this.runs.set(run.id, run);
      }
    }
  }

  /** A note of the export, with the history its result says its run started from. */
  addNote(note: RunNote, result: ResultRecord | undefined): void {
    const run = result?.runId ? this.runs.get(result.runId) : undefined;
    if (!run || !result) return;
    this.runOf.set(note.id, run);
    const history = statusHistoryFromJson(result.previousHistory) || null;
    this.notes.push({ run, note: { ...note, history } });
  }

  addRating(rating: RatingRecord): void {
    if (!this.runOf.has(rating.noteId)) return;
    this.ratings.push(rating);
    if (rating.clientMinute >= this.newerFromMinute) this.stale.add(rating.noteId);
  }

  /** Each run's remaining notes scored against the frozen raters and compared as published. */
  finish(results: Map<string, ResultRecord>): IntermediateSummary {
    const builders = new Map<string, RunInputBuilder>();
    for (const { run, note } of this.notes) {
      if (this.stale.has(note.id)) continue;
      let builder = builders.get(run.id);
      if (!builder) {
        builder = new RunInputBuilder(Date.parse(run.nowAt as string), this.topicSeeds);
        builders.set(run.id, builder);
      }
      builder.addNote(note);
    }
    for (const rating of this.ratings) {
      const run = this.runOf.get(rating.noteId) as RunRecord;
      builders.get(run.id)?.addRating(rating);
    }
    let notesCompared = 0;
    for (const [runId, builder] of builders) {
      const run = this.runs.get(runId) as RunRecord;
      const built = builder.build();
      const result = scoreWithFrozenRaters(built.input, this.frozen, { nowMs: built.nowMs });
      notesCompared += compareRunResults(
        run,
        built.input,
        result,
        results,
        undefined,
        this.report,
        { onlyOwnResults: true, communityCounts: true, approximate: APPROXIMATE },
      );
    }
    const staleBy = new Map<string, number>();
    for (const noteId of this.stale) {
      const runId = (this.runOf.get(noteId) as RunRecord).id;
      staleBy.set(runId, (staleBy.get(runId) ?? 0) + 1);
    }
    for (const [runId, count] of staleBy) {
      this.report(
        'RUN_OUTDATED',
        `run ${runId}`,
        `${count} notes still carrying this incremental run's results were rated after the latest run started, so their statuses cannot be recomputed from this export; they will be at the next run`,
        'warning',
      );
    }
    return { runs: builders.size, notesCompared, notesSkipped: this.stale.size };
  }
}
