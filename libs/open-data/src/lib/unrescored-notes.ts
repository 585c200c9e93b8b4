import type { ReportDiscrepancy } from './discrepancy';
import type {
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  ResultRecord,
  RunRecord,
} from './export-format';
import { batchOf } from './replaced-ratings';

/**
 * After an incremental latest run `I`, the notes it did not rescore: those whose result is still
 * its base's, an earlier incremental run's on that base, or no run's. Each incremental run reads
 * every note changed since the run before it (written, deleted, or rated: a note's or one of
 * its ratings' `changedBatch` after that run's cut), and every note its last run left under a
 * stabilisation hold (libs/scoring-store `ScoringInputLoader.loadChanged`). So such a note
 * changed in no batch after its run's cut up to I's (none up to I's when no run scored it), and
 * was left by its run under no hold; otherwise a run read it and its result is that run's
 * (`RESULT_NOT_FROM_RUN`). Without this, a run that skipped a note would freeze its status while
 * the note's earlier run is recomputed, equal, from its ratings as of that run's cut.
 *
 * Fed the notes, then the ratings and replaced rating versions, as they stream past: per note
 * it keeps only its run's cut, and drops the note once it is reported.
 */
export class UnrescoredNotes {
  private readonly cut: bigint | undefined;
  /** The runs a note's result may name and not be I's, with their cuts (undefined: unknown). */
  private readonly earlier = new Map<string, bigint | undefined>();
  /** Each note I did not rescore, with its run's cut (−1: no run scored it) and that run. */
  private readonly notes = new Map<string, { cut: bigint; runId: string | null }>();

  constructor(
    private readonly latest: RunRecord,
    runs: readonly RunRecord[],
    private readonly report: ReportDiscrepancy,
  ) {
    this.cut = batchOf(latest.changedThrough ?? undefined);
    for (const run of runs) {
      const succeeded = run.status === 'SUCCEEDED' && run.id !== latest.id;
      const base = run.id === latest.baseRunId && run.kind !== 'INCREMENTAL';
      const onBase = run.kind === 'INCREMENTAL' && run.baseRunId === latest.baseRunId;
      if (succeeded && (base || onBase)) {
        this.earlier.set(run.id, batchOf(run.changedThrough ?? undefined));
      }
    }
  }

  /** A note of the export, with its published result. */
  addNote(note: NoteRecord, result: ResultRecord | undefined): void {
    if (this.cut === undefined || result === undefined || result.runId === this.latest.id) return;
    let cut = -1n;
    if (result.runId !== null) {
      // A result of another run is RESULT_NOT_FROM_RUN already; a run without a cut, unchecked.
      const earlier = this.earlier.get(result.runId);
      if (earlier === undefined) return;
      cut = earlier;
      if (typeof result.history?.timestampMillisOfNmrDueToMinStableCrhTime === 'number') {
        return this.report(
          'RESULT_NOT_FROM_RUN',
          `note ${note.id}`,
          `run ${result.runId} left the note under a stabilisation hold, which every incremental run after it rescores, but its published result is still that run's, not the latest run ${this.latest.id}'s`,
        );
      }
    }
    this.notes.set(note.id, { cut, runId: result.runId });
    this.changed(note.id, note.changedBatch, 'the note');
  }

  /** A replaced rating version: the batches that wrote and replaced it. */
  addVersion(version: ReplacedRatingRecord): void {
    this.changed(version.noteId, version.changedBatch, 'a rating of it');
    this.changed(version.noteId, version.replacedBatch, 'a rating of it');
  }

  /** A current rating. */
  addRating(rating: RatingRecord): void {
    this.changed(rating.noteId, rating.changedBatch, 'a rating of it');
  }

  private changed(noteId: string, changedBatch: string | undefined, what: string): void {
    const kept = this.notes.get(noteId);
    const batch = batchOf(changedBatch);
    if (!kept || batch === undefined || batch <= kept.cut || batch > (this.cut as bigint)) return;
    this.notes.delete(noteId);
    this.report(
      'RESULT_NOT_FROM_RUN',
      `note ${noteId}`,
      kept.runId === null
        ? `${what} changed in batch ${batch}, at or before the latest run ${this.latest.id}'s cut (${this.cut}), so a run read the note, but its published result is no run's`
        : `${what} changed in batch ${batch}, after the cut of run ${kept.runId} (${kept.cut}) whose result it carries and at or before the latest run ${this.latest.id}'s (${this.cut}): an incremental run read the note since, but its published result is still run ${kept.runId}'s`,
    );
  }
}
