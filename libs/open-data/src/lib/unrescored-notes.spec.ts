import { emptyStatusHistory, statusHistoryToJson } from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';

import { note, scoredRun } from '../testing/memory-export';
import type { Discrepancy } from './discrepancy';
import type { RatingRecord, ResultRecord, RunRecord } from './export-format';
import { UnrescoredNotes } from './unrescored-notes';

/**
 * The notes an incremental latest run did not rescore, against the batches that changed them:
 * base B (cut 10), incremental I1 on it (cut 20), the latest I (cut 30).
 */
describe('UnrescoredNotes', () => {
  const base = scoredRun(randomUUID(), 10, 'FULL');
  const first: RunRecord = { ...scoredRun(randomUUID(), 20, 'INCREMENTAL'), baseRunId: base.id };
  const latest: RunRecord = { ...scoredRun(randomUUID(), 30, 'INCREMENTAL'), baseRunId: base.id };
  const other = scoredRun(randomUUID(), 5, 'FULL');

  const check = (
    runId: string | null,
    noteBatch: string,
    ratingBatches: string[],
    history: ResultRecord['history'] = null,
  ) => {
    const found: Discrepancy[] = [];
    const unrescored = new UnrescoredNotes(latest, [other, base, first, latest], (...args) => {
      const [code, subject, message, severity = 'error'] = args;
      found.push({ code, subject, message, severity });
    });
    const written = { ...note(null), changedBatch: noteBatch };
    unrescored.addNote(written, {
      cursor: written.id,
      noteId: written.id,
      status: 'NEEDS_MORE_RATINGS',
      runId,
      score: null,
      history,
      previousHistory: null,
    });
    for (const batch of ratingBatches) {
      unrescored.addRating({ noteId: written.id, changedBatch: batch } as RatingRecord);
    }
    return found.map(({ code }) => code);
  };

  it('accepts notes unchanged since their run read them, or changed after the latest cut', () => {
    expect(check(base.id, '3', ['9', '10', '31'])).toEqual([]);
    expect(check(first.id, '15', ['20', '40'])).toEqual([]);
    expect(check(latest.id, '25', ['29'])).toEqual([]);
    expect(check(null, '31', ['32'])).toEqual([]);
    // Another run's result is named elsewhere (RESULT_NOT_FROM_RUN by the sweep).
    expect(check(other.id, '3', ['15'])).toEqual([]);
  });

  it('finds a note changed after its run read it and up to the latest cut, once', () => {
    expect(check(base.id, '3', ['11', '12'])).toEqual(['RESULT_NOT_FROM_RUN']);
    expect(check(first.id, '15', ['30'])).toEqual(['RESULT_NOT_FROM_RUN']);
    // Deleted (the note moved to a later batch) after its run.
    expect(check(base.id, '25', [])).toEqual(['RESULT_NOT_FROM_RUN']);
    // No run's, though written within the latest cut: some run read it.
    expect(check(null, '30', [])).toEqual(['RESULT_NOT_FROM_RUN']);
  });

  it('finds a note its run left under a stabilisation hold, which the latest run rescores', () => {
    const held = statusHistoryToJson({
      ...emptyStatusHistory('n', 'a', 0),
      timestampMillisOfNmrDueToMinStableCrhTime: 1_000,
    });
    expect(check(first.id, '15', [], held)).toEqual(['RESULT_NOT_FROM_RUN']);
    expect(check(latest.id, '15', [], held)).toEqual([]);
    expect(check(first.id, '15', [], statusHistoryToJson(emptyStatusHistory('n', 'a', 0)))).toEqual(
      [],
    );
  });
});
