import {
  emptyStatusHistory,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';

import { minute, scoredRun } from '../testing/memory-export';
import type { Discrepancy } from './discrepancy';
import type { NoteRecord, RunRecord } from './export-format';
import { PreviousHistories } from './previous-histories';
import { StatusChangeLog } from './status-change-log';

/**
 * Starting histories held against the runs' times: a hold the run before wrote, on an honest
 * instance whose workers' clocks differ by seconds, and one that could only be forged.
 */
describe('PreviousHistories: a stabilisation hold', () => {
  const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs).toISOString();
  const run = (id: string, publication: number, nowAt: string): RunRecord => ({
    ...scoredRun(id, publication * 10, 'FULL'),
    publication,
    nowAt,
  });
  // R1 holds a newly helpful note; R2, published after it on a worker whose clock is 2 s
  // behind R1's, keeps the hold and writes its own time, 2 s before the hold; R3 starts from it.
  const heldAt = Date.parse(minute(20));
  const runs = [
    run('r1', 1, at(minute(20))),
    run('r2', 2, at(minute(20), -2_000)),
    run('r3', 3, at(minute(30))),
  ];
  const note = { id: 'n1', createdAt: minute(5) } as NoteRecord;

  function found(hold: number): Discrepancy[] {
    const discrepancies: Discrepancy[] = [];
    const report = (code: string, subject: string, message: string) =>
      void discrepancies.push({ code, subject, message, severity: 'error' } as Discrepancy);
    const log = new StatusChangeLog(runs, [], report as never);
    const histories = new PreviousHistories(log, report as never, 10);
    const history = {
      ...emptyStatusHistory(note.id, 'w', Date.parse(note.createdAt)),
      currentStatus: 'NEEDS_MORE_RATINGS',
      timestampMillisOfNmrDueToMinStableCrhTime: hold,
      timestampMillisOfFirstNmrDueToMinStableCrhTime: hold,
      timestampMillisOfCurrentStatus: Date.parse(runs[1].nowAt as string),
    };
    histories.check(runs[2], note, statusHistoryToJson(history));
    return discrepancies;
  }

  it('takes one the run before wrote a little before the hold (workers’ clocks seconds apart)', () => {
    expect(found(heldAt)).toEqual([]);
  });

  it('finds one in the future', () => {
    const future = Date.parse(minute(20 + 365 * 24 * 60));
    runs.push(run('r0', 0, new Date(future).toISOString()));
    try {
      expect(found(future).map(({ code }) => code)).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
    } finally {
      runs.pop();
    }
  });
});

/**
 * The histories incremental runs started their notes from, bound to the one their base full
 * run's recomputation left each note: a run (latest or earlier) on that base read the history
 * the last run that scored the note wrote, and only when that run is one after the base does it
 * stay the instance's word.
 */
describe('PreviousHistories: bound to the base run’s recomputed histories', () => {
  const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs).toISOString();
  const run = (
    id: string,
    publication: number,
    nowAt: string,
    kind: RunRecord['kind'] = 'INCREMENTAL',
  ): RunRecord => ({
    ...scoredRun(id, publication * 10, kind),
    publication,
    nowAt,
    baseRunId: kind === 'INCREMENTAL' ? 'base' : null,
  });
  // r0 (a full run) made the note helpful; the base, a full run, held it again (helpful anew
  // after a stay at NEEDS_MORE_RATINGS); r1, published after it on a worker whose clock is 2 s
  // behind the base's, read what the base left; r2 read what r1 left.
  const runs = [
    run('r0', 1, minute(10), 'FULL'),
    run('base', 2, minute(20), 'FULL'),
    run('r1', 3, at(minute(20), -2_000)),
    run('r2', 4, minute(30)),
  ];
  const [r0, base, r1, r2] = runs as [RunRecord, RunRecord, RunRecord, RunRecord];
  const note = { id: 'n1', createdAt: minute(5) } as NoteRecord;
  const time = (record: RunRecord) => Date.parse(record.nowAt as string);
  // What the base's recomputation left the note: held at its own time, helpful once, at r0.
  const left: NoteStatusHistory = {
    ...emptyStatusHistory(note.id, 'w', Date.parse(note.createdAt)),
    currentStatus: 'NEEDS_MORE_RATINGS',
    currentCoreStatus: 'CURRENTLY_RATED_HELPFUL',
    currentDecidedBy: 'NmrDueToMinStableCrhTime',
    firstNonNMRStatus: 'CURRENTLY_RATED_HELPFUL',
    timestampMillisOfFirstNonNMRStatus: time(r0),
    mostRecentNonNMRStatus: 'CURRENTLY_RATED_HELPFUL',
    timestampMillisOfLatestNonNMRStatus: time(r0),
    timestampMillisOfCurrentStatus: time(base),
    timestampMillisOfMostRecentStatusChange: time(base),
    timestampMillisOfNmrDueToMinStableCrhTime: time(base),
    timestampMillisOfFirstNmrDueToMinStableCrhTime: time(r0),
    timestampMinuteOfFinalScoringOutput: Math.floor(time(base) / 60_000),
  };

  /** The discrepancies found of `started`, the history `of` started the note from. */
  function found(
    of: RunRecord,
    started: NoteStatusHistory | null,
    /** What the base left the note; null: the base did not read it. */
    output: NoteStatusHistory | null = left,
  ): Discrepancy[] {
    const discrepancies: Discrepancy[] = [];
    const report = (code: string, subject: string, message: string) =>
      void discrepancies.push({ code, subject, message, severity: 'error' } as Discrepancy);
    const log = new StatusChangeLog(runs, [], report as never);
    const histories = new PreviousHistories(log, report as never, 10);
    const json = started && statusHistoryToJson(started);
    histories.check(of, note, json);
    histories.checkFromBase(of, base, note.id, json, output ?? undefined);
    return discrepancies;
  }
  const codesOf = (list: Discrepancy[]) => list.map(({ code }) => code);

  it('takes the history the base left, read by a run timed seconds before it', () => {
    expect(found(r1, left)).toEqual([]);
  });

  it('takes a history a run after the base wrote, which no result keeps', () => {
    const written = { ...left, timestampMillisOfCurrentStatus: time(r1) };
    expect(found(r2, { ...written, firstNonNMRStatus: 'CURRENTLY_RATED_NOT_HELPFUL' })).toEqual([]);
  });

  it('finds a status name the base did not leave', () => {
    const forged = { ...left, firstNonNMRStatus: 'CURRENTLY_RATED_NOT_HELPFUL' };
    const discrepancies = found(r1, forged);
    expect(codesOf(discrepancies)).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
    expect(discrepancies[0]?.message).toContain('firstNonNMRStatus');
  });

  it('finds a hold taken from another earlier run than the one that wrote the history', () => {
    const moved = { ...left, timestampMillisOfNmrDueToMinStableCrhTime: time(r0) };
    const discrepancies = found(r2, moved);
    expect(codesOf(discrepancies)).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
    expect(discrepancies[0]?.message).toContain('timestampMillisOfNmrDueToMinStableCrhTime');
  });

  it('finds a history from before the base, which rescored the note since', () => {
    const older = { ...left, timestampMillisOfCurrentStatus: time(r0) };
    expect(codesOf(found(r2, older))).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
  });

  it('finds no history where the base left one, and one where no run wrote it', () => {
    expect(codesOf(found(r1, null))).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
    // A note the base did not read starts from none, unless a run after the base scored it.
    expect(found(r1, null, null)).toEqual([]);
    expect(codesOf(found(r1, left, null))).toEqual(['PREVIOUS_HISTORY_MISMATCH']);
  });
});
