import { emptyStatusHistory, statusHistoryToJson } from '@bridgenotes/scoring';

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
