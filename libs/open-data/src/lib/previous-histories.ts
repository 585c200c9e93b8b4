import {
  canonicalStatusHistory,
  MAX_NYH_HOLD_MS,
  NOTE_LOCK_MS,
  parseStatus,
  shownStatus,
  STATUS_HISTORY_FIELDS,
  statusHistoryFromJson,
  statusHistoryToJson,
  type NoteStatusHistory,
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
 *
 * The history's times are a run's too: the scorer writes nothing but the run's time into them
 * (libs/scoring `nextHistory`; the minute of the final output is that time's minute). So each is
 * the time (`nowAt`) of a succeeded run before this one, when every one of them publishes its
 * time (else, older exports, at most the latest of them plus the clock-skew allowance), and none
 * is before the note was created, less the allowance twice (as a run's time: `checkRunTimes`).
 * A stabilisation hold (`timestampMillisOfNmrDueToMinStableCrhTime`) at a note left at
 * NEEDS_MORE_RATINGS and not locked is one still running when the history was written: less
 * than the longest hold (360 minutes, a NEEDS_YOUR_HELP note's) before the history's own time
 * (`timestampMillisOfCurrentStatus`, the time of the run that wrote it), and not after it, each
 * within the clock-skew allowance (a run may be timed a little before the one it follows). A
 * hold in the future, or one older than any hold lasts, would keep a helpful note at
 * NEEDS_MORE_RATINGS for good.
 * What is left to the instance's word: which earlier run's time a field holds (a hold moved to
 * a later run's time restarts the note's wait) and the fields that are not times or statuses
 * checked above (the core and decided-by statuses, the first and latest non-NMR statuses). Only
 * a recomputation of the run that wrote the history binds them: the base full run of an
 * incremental latest run is recomputed, and the runs on it started each note it read from what
 * it left, until a run after it rescored the note (`checkFromBase`).
 */
export class PreviousHistories {
  /** The runs' times by rank, and the latest over each power-of-two span (a sparse table). */
  private readonly latest: Float64Array[];

  /** Each run time's minute with the lowest rank of a run timed in it. */
  private readonly runMinute = new Map<number, number>();
  /** Each run time with the ranks of every run timed at it, ascending. */
  private readonly ranksAt = new Map<number, number[]>();
  /** The rank of the first run that publishes no time (older exports); runs.length if none. */
  private readonly firstUntimed: number;
  private readonly skewMs: number;

  constructor(
    private readonly log: StatusChangeLog,
    private readonly report: ReportDiscrepancy,
    clockSkewMinutes: number,
  ) {
    this.skewMs = clockSkewMinutes * 60_000;
    const times = Float64Array.from(log.runs, (run) => {
      const time = Date.parse(run.nowAt ?? '');
      return Number.isFinite(time) ? time : -Infinity;
    });
    const untimed = times.findIndex((time) => time === -Infinity);
    this.firstUntimed = untimed < 0 ? times.length : untimed;
    times.forEach((time, rank) => {
      if (time === -Infinity) return;
      const ranks = this.ranksAt.get(time);
      if (ranks) ranks.push(rank);
      else this.ranksAt.set(time, [rank]);
      const minute = Math.floor(time / 60_000);
      if (!this.runMinute.has(minute)) this.runMinute.set(minute, rank);
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
    if (history) this.checkTimes(run, note, history, rank);
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

  /**
   * The history `run`, an incremental run on full run `base` published after it, started the
   * note `noteId` from, held against the one the base's recomputation left the note (`left`;
   * undefined when the base did not read the note). Every run writes its own time into the
   * history of each note it scores (`timestampMillisOfCurrentStatus`: libs/scoring
   * `nextHistory`) and the next run to read the note starts from that history as stored
   * (libs/scoring-store `ScoringPublisher`, `ScoringInputLoader`). So unless the history's time
   * is that of a run published between the two (whose history of the note no result keeps: it
   * stays the instance's word, under `check`'s bounds), the run read what the base left: every
   * field of it, status names and times alike, or none where the base did not read the note.
   * A history written before the base is one the base replaced.
   */
  checkFromBase(
    run: RunRecord,
    base: RunRecord,
    noteId: string,
    started: StatusHistoryJson | null,
    left: NoteStatusHistory | undefined,
  ): void {
    const [from, to] = [this.log.rankOf(base.id), this.log.rankOf(run.id)];
    if (from === undefined || to === undefined || to <= from) return;
    // An unreadable history is read as none, by the recomputation as here.
    const history = statusHistoryFromJson(started);
    const written = history?.timestampMillisOfCurrentStatus ?? NaN;
    const between = this.ranksAt.get(written)?.some((rank) => from < rank && rank < to);
    if (between) return;
    const subject = `note ${noteId}`;
    const prefix = `run ${run.id} started the note from`;
    if (!left) {
      if (!history) return;
      return void this.report(
        'PREVIOUS_HISTORY_MISMATCH',
        subject,
        `${prefix} a history written at ${describe(written)}, but its base run ${base.id}, a full run, did not read the note and no run published between them is timed then: only a run that scored the note writes its history`,
      );
    }
    if (history && canonicalStatusHistory(history) === canonicalStatusHistory(left)) return;
    const differs = history ? differingFields(history, left) : [];
    this.report(
      'PREVIOUS_HISTORY_MISMATCH',
      subject,
      history
        ? `${prefix} a history written at ${describe(written)} whose ${differs.join(', ')} ${differs.length === 1 ? 'is' : 'are'} not what its base run ${base.id}, recomputed, left it (${differs.map((field) => JSON.stringify(statusHistoryToJson(left)[field])).join(', ')}), and no run published between them is timed then: a run starts a note from the history the last run that scored it wrote`
        : `${prefix} no history, but its base run ${base.id}, recomputed, left it one and no run between them can have removed it`,
    );
  }

  /** The history's times: earlier runs' times, and a hold one still running (see above). */
  private checkTimes(run: RunRecord, note: NoteRecord, history: NoteStatusHistory, rank: number) {
    const problems: string[] = [];
    const exact = rank <= this.firstUntimed;
    const latest = rank > 0 ? this.latestTime(0, rank - 1) : -Infinity;
    const created = Date.parse(note.createdAt) - 2 * this.skewMs;
    const at = (time: number) => new Date(time).toISOString();
    for (const field of TIME_FIELDS) {
      const time = history[field];
      // Negative or absent: no time, as the scorer reads it.
      if (!(time >= 0)) continue;
      const minute = field === 'timestampMinuteOfFinalScoringOutput';
      const ms = minute ? time * 60_000 : time;
      const earlier = minute ? this.runMinute.get(time) : this.ranksAt.get(time)?.[0];
      if (exact ? !(earlier !== undefined && earlier < rank) : !(ms <= latest + this.skewMs)) {
        problems.push(
          `${field} (${at(ms)}) is not the time of a succeeded run before it${exact ? '' : ' (nor before the latest of them, plus the clock-skew allowance)'}`,
        );
      } else if (Number.isFinite(created) && ms < created) {
        problems.push(`${field} (${at(ms)}) is before the note was created (${note.createdAt})`);
      }
    }
    const hold = history.timestampMillisOfNmrDueToMinStableCrhTime;
    const written = history.timestampMillisOfCurrentStatus;
    if (
      hold >= 0 &&
      history.lockedStatus === '' &&
      // A released NEEDS_YOUR_HELP note keeps its hold (not re-held), as a locked note may.
      history.currentStatus === 'NEEDS_MORE_RATINGS' &&
      written >= 0 &&
      // A run may be timed before the one published before it by up to the allowance (workers'
      // clocks: `checkRunTimes`), and it keeps that run's hold: the allowance either side.
      !(hold <= written + this.skewMs && written - hold < MAX_NYH_HOLD_MS + this.skewMs)
    ) {
      problems.push(
        `stabilisation hold (${at(hold)}) is not one still running when the history was written (${at(written)}; a hold lasts at most ${MAX_NYH_HOLD_MS / 60_000} minutes)`,
      );
    }
    if (problems.length === 0) return;
    this.report(
      'PREVIOUS_HISTORY_MISMATCH',
      `note ${note.id}`,
      `run ${run.id} started the note from a history whose ${problems.join('; whose ')}: only runs write a history's times, each its own`,
    );
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

/** The history's fields that hold a run's time (the minute of one: the final output's). */
const TIME_FIELDS = [
  'timestampMillisOfFirstNonNMRStatus',
  'timestampMillisOfCurrentStatus',
  'timestampMillisOfLatestNonNMRStatus',
  'timestampMillisOfStatusLock',
  'timestampMillisOfRetroLock',
  'timestampMillisOfMostRecentStatusChange',
  'timestampMillisOfNmrDueToMinStableCrhTime',
  'timestampMinuteOfFinalScoringOutput',
  'timestampMillisOfFirstNmrDueToMinStableCrhTime',
  'abovePcrhThresholdTime',
] as const satisfies readonly (keyof NoteStatusHistory)[];

/** The fields whose values differ between two histories, in column order. */
function differingFields(a: NoteStatusHistory, b: NoteStatusHistory) {
  const [left, right] = [statusHistoryToJson(a), statusHistoryToJson(b)];
  return STATUS_HISTORY_FIELDS.filter((field) => left[field] !== right[field]);
}

/** A history time as read, or that it has none. */
function describe(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : 'no time';
}

/** The shown status of a history's status name; undefined for no status name. */
function shown(name: string): ShownStatus | undefined {
  const status = parseStatus(name);
  return status === undefined ? undefined : shownStatus(status);
}
