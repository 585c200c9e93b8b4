import {
  NOTE_LOCK_MS,
  parseStatus,
  shownStatus,
  statusHistoryFromJson,
  type ShownStatus,
  type StatusHistoryJson,
} from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { NoteRecord, RunRecord } from './export-format';
import type { StatusChangeLog } from './status-change-log';

/**
 * The histories the notes of a recomputed run started it from, as their results publish them,
 * held against the status changes. The run's input hash covers these histories, but the instance
 * computed that hash too: a history it made up before scoring (a status the note never had, or a
 * lock it never took, which stabilisation then enforces: libs/scoring `stabiliseStatuses`) would
 * be recomputed equal. So the history's current status must be the one the changes leave the
 * note at after the succeeded run before this one (the run that wrote the history last left it
 * there, and nothing but a run changes it), and a locked status one the changes show the note
 * holding after a run whose time was more than 14 days after the note's creation (a status
 * locks at a run when the note is older than that: `NOTE_LOCK_MS`).
 */
export class PreviousHistories {
  /** The runs' times by rank, and the latest over each power-of-two span (a sparse table). */
  private readonly latest: Float64Array[];

  constructor(
    private readonly log: StatusChangeLog,
    private readonly report: ReportDiscrepancy,
  ) {
    const times = Float64Array.from(log.runs, (run) => {
      const time = Date.parse(run.nowAt ?? '');
      return Number.isFinite(time) ? time : -Infinity;
    });
    this.latest = [times];
    for (let width = 1; 2 * width <= times.length; width *= 2) {
      const below = this.latest[this.latest.length - 1] as Float64Array;
      this.latest.push(
        Float64Array.from({ length: below.length - width }, (_, index) =>
          Math.max(below[index] as number, below[index + width] as number),
        ),
      );
    }
  }

  /** The history `note` started `run` from (null: none, as at NEEDS_MORE_RATINGS). */
  check(run: RunRecord, note: NoteRecord, started: StatusHistoryJson | null): void {
    const rank = this.log.rankOf(run.id);
    if (rank === undefined) return;
    // An unreadable history is read as none, by the recomputation as here.
    const history = statusHistoryFromJson(started);
    const subject = `note ${note.id}`;
    const current = history ? shown(history.currentStatus) : 'NEEDS_MORE_RATINGS';
    const left = this.log.statusAt(note.id, rank - 1).status;
    if (current !== left) {
      const before = this.log.runs[rank - 1];
      this.report(
        'PREVIOUS_HISTORY_MISMATCH',
        subject,
        `run ${run.id} started the note from status ${current ?? history?.currentStatus}, but the status changes leave it at ${left} ${before ? `after run ${before.id}, the succeeded run before it` : 'before any run'}`,
      );
    }
    if (!history?.lockedStatus) return;
    const locked = shown(history.lockedStatus);
    const lockable = Date.parse(note.createdAt) + NOTE_LOCK_MS;
    if (locked === undefined || !this.heldAfter(note.id, locked, rank, lockable)) {
      this.report(
        'PREVIOUS_HISTORY_MISMATCH',
        subject,
        `run ${run.id} started the note locked at ${history.lockedStatus}, but the status changes never leave it at that status after a run more than 14 days after it was created, when a status locks`,
      );
    }
  }

  /** Whether the note was at `status` after a run of rank below `before` timed after `after`. */
  private heldAfter(noteId: string, status: ShownStatus, before: number, after: number): boolean {
    for (let from = 0; from < before;) {
      const held = this.log.statusAt(noteId, from);
      const to = Math.min(held.until ?? before, before) - 1;
      if (held.status === status && this.latestTime(from, to) > after) return true;
      from = to + 1;
    }
    return false;
  }

  /** The latest run time of the ranks `from` to `to`, both included. */
  private latestTime(from: number, to: number): number {
    const level = 31 - Math.clz32(to - from + 1);
    const table = this.latest[level] as Float64Array;
    return Math.max(table[from] as number, table[to - (1 << level) + 1] as number);
  }
}

/** The shown status of a history's status name; undefined for no status name. */
function shown(name: string): ShownStatus | undefined {
  const status = parseStatus(name);
  return status === undefined ? undefined : shownStatus(status);
}
