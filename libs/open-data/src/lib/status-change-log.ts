import { SHOWN_STATUSES, type ShownStatus } from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { ResultRecord, RunRecord, StatusChangeRecord } from './export-format';
import { succeededInOrder } from './run-order';

const UNSCORED: ShownStatus = 'NEEDS_MORE_RATINGS';

type Counts = Record<ShownStatus, number>;
const zero = (): Counts =>
  Object.fromEntries(SHOWN_STATUSES.map((status) => [status, 0])) as Counts;

/**
 * The `status-changes` stream read as what it is: each note's published statuses, run after
 * run. A note starts at NEEDS_MORE_RATINGS and a publication records a change exactly when it
 * gives the note another status (libs/scoring-store `flipNotes`), so the changes of a note must
 * chain (each one's `previous` is the one before's `next`), be made by succeeded runs in the
 * order they published, and end at its published status; and replayed up to a run, they give the
 * status every note had after it. That is what the recomputed runs are compared with
 * (`statusAfter`), and what every run's published helpful and not-helpful counts must be.
 */
export class StatusChangeLog {
  /** Succeeded runs in the order they published (`succeededInOrder`), as the verifier picks the latest. */
  private readonly rank = new Map<string, number>();
  private readonly ordered: RunRecord[];
  /** Each note's last change: the run's rank and the status it left. */
  private readonly last = new Map<string, { rank: number; status: ShownStatus }>();
  /** Each note's changes (the run's rank and the status it left), as the stream gave them. */
  private readonly changes = new Map<string, { rank: number; status: ShownStatus }[]>();
  /** For each tracked run, the status each note was left at by the last change up to it. */
  private readonly after = new Map<string, { rank: number; statuses: Map<string, ShownStatus> }>();
  /** Per run rank, how many notes its changes moved into (+) or out of (−) each status. */
  private readonly deltas: Counts[];
  private readonly unknownRuns = new Map<string, number>();

  constructor(
    runs: readonly RunRecord[],
    tracked: readonly (string | null | undefined)[],
    private readonly report: ReportDiscrepancy,
  ) {
    this.ordered = succeededInOrder(runs);
    this.ordered.forEach((run, index) => this.rank.set(run.id, index));
    this.deltas = this.ordered.map(zero);
    for (const id of tracked) {
      const rank = id ? this.rank.get(id) : undefined;
      if (id && rank !== undefined) this.after.set(id, { rank, statuses: new Map() });
    }
  }

  add(change: StatusChangeRecord): void {
    const rank = this.rank.get(change.runId);
    if (rank === undefined) {
      this.unknownRuns.set(change.runId, (this.unknownRuns.get(change.runId) ?? 0) + 1);
      return;
    }
    const subject = `note ${change.noteId}`;
    const before = this.last.get(change.noteId);
    if (before && before.rank >= rank) {
      this.report(
        'STATUS_CHANGE_BROKEN',
        subject,
        `status change ${change.id} by run ${change.runId} comes after a change by the same or a later run: a run changes a note's status at most once, in the order runs published`,
      );
    } else if (
      change.previous !== (before?.status ?? UNSCORED) ||
      change.previous === change.next
    ) {
      this.report(
        'STATUS_CHANGE_BROKEN',
        subject,
        `status change ${change.id} by run ${change.runId} goes from ${change.previous} to ${change.next}, but the note's changes before it leave it at ${before?.status ?? UNSCORED}`,
      );
    }
    this.last.set(change.noteId, { rank, status: change.next });
    const changes = this.changes.get(change.noteId);
    if (changes) changes.push({ rank, status: change.next });
    else this.changes.set(change.noteId, [{ rank, status: change.next }]);
    const delta = this.deltas[rank] as Counts;
    if (change.previous in delta) delta[change.previous] -= 1;
    if (change.next in delta) delta[change.next] += 1;
    for (const tracked of this.after.values()) {
      if (rank <= tracked.rank) tracked.statuses.set(change.noteId, change.next);
    }
  }

  /** The succeeded runs in the order they published (a run's rank is its index). */
  get runs(): readonly RunRecord[] {
    return this.ordered;
  }

  /** A succeeded run's place in the publication order; undefined for any other run. */
  rankOf(runId: string): number | undefined {
    return this.rank.get(runId);
  }

  /**
   * The status the changes leave a note at after the run of rank `rank` (NEEDS_MORE_RATINGS
   * before any run, `rank` −1), and the ranks it keeps it from there on: up to the run before
   * its next change (`until`, exclusive; undefined when none follows).
   */
  statusAt(noteId: string, rank: number): { status: ShownStatus; until: number | undefined } {
    let status = UNSCORED;
    let from = -1;
    let until: number | undefined;
    for (const change of this.changes.get(noteId) ?? []) {
      if (change.rank <= rank && change.rank > from) [from, status] = [change.rank, change.status];
      if (change.rank > rank && (until === undefined || change.rank < until)) until = change.rank;
    }
    return { status, until };
  }

  /** Whether any status change names the note. */
  changed(noteId: string): boolean {
    return this.last.has(noteId);
  }

  /** The notes a succeeded run changed the status of, by its status changes. */
  *notesChangedBy(runId: string): Iterable<string> {
    const rank = this.rank.get(runId);
    if (rank === undefined) return;
    for (const [noteId, changes] of this.changes) {
      if (changes.some((change) => change.rank === rank)) yield noteId;
    }
  }

  /**
   * The status the changes leave each note at after a tracked run; a note absent from the map
   * had none by then, so is at NEEDS_MORE_RATINGS. Undefined for a run that is not tracked.
   */
  statusAfter(runId: string): ReadonlyMap<string, ShownStatus> | undefined {
    return this.after.get(runId)?.statuses;
  }

  /**
   * Once every change went past: changes by runs that are not succeeded runs of the export,
   * chains that do not end at each note's status (the algorithm's, in `recomputed`, when its
   * run was recomputed: a published status that is not is already named, as `STATUS_MISMATCH`;
   * else the published one; notes of a tracked run were compared with `statusAfter`), and runs
   * whose published helpful and not-helpful counts (and a full run's total, its note count) are
   * not those the changes replayed up to them give. Runs in `countsChecked` had theirs compared
   * with a recomputation.
   */
  finish(
    results: ReadonlyMap<string, ResultRecord>,
    recomputed: ReadonlyMap<string, ShownStatus>,
    countsChecked: ReadonlySet<string>,
  ): void {
    for (const [runId, count] of this.unknownRuns) {
      this.report(
        'STATUS_CHANGE_UNKNOWN_RUN',
        `run ${runId}`,
        `${count} status changes are by run ${runId}, which is not a succeeded run of the export`,
      );
    }
    for (const noteId of this.last.keys()) {
      if (!results.has(noteId)) {
        this.report(
          'STATUS_CHANGE_UNKNOWN_NOTE',
          `note ${noteId}`,
          `the status changes name note ${noteId}, which has no result in the export`,
        );
      }
    }
    for (const [noteId, result] of results) {
      const algorithm = recomputed.get(noteId);
      if (algorithm !== undefined && result.runId !== null && this.after.has(result.runId))
        continue;
      const status = this.last.get(noteId)?.status ?? UNSCORED;
      if ((algorithm ?? result.status) !== status) {
        this.report(
          'STATUS_CHANGES_INCOMPLETE',
          `note ${noteId}`,
          `the note is ${algorithm ? `${algorithm} by the algorithm` : `published as ${result.status}`}, but its status changes leave it at ${status}`,
        );
      }
    }
    const counts = zero();
    this.ordered.forEach((run, rank) => {
      for (const status of SHOWN_STATUSES) counts[status] += (this.deltas[rank] as Counts)[status];
      const claimed = run.statusCounts;
      if (!claimed || countsChecked.has(run.id)) return;
      const total = SHOWN_STATUSES.reduce((sum, status) => sum + (claimed[status] ?? 0), 0);
      const shown = (['CURRENTLY_RATED_HELPFUL', 'CURRENTLY_RATED_NOT_HELPFUL'] as const).filter(
        (status) => claimed[status] !== counts[status],
      );
      // A full run counts the notes of its input; an incremental one the community's, which
      // notes written during its publication join (at NEEDS_MORE_RATINGS) unseen here.
      const fullTotal = run.kind !== 'INCREMENTAL' && run.noteCount !== null;
      if (shown.length > 0 || (fullTotal && total !== run.noteCount)) {
        this.report(
          'RUN_COUNTS_MISMATCH',
          `run ${run.id}`,
          `the run reports status counts ${JSON.stringify(claimed)}${fullTotal ? ` for ${run.noteCount} notes` : ''}, but the status changes up to it leave ${counts.CURRENTLY_RATED_HELPFUL} notes helpful and ${counts.CURRENTLY_RATED_NOT_HELPFUL} not helpful`,
        );
      }
    });
  }
}
