import { minute, scoredRun } from '../testing/memory-export';
import type { RunRecord } from './export-format';
import { checkRunTimes, CutWrites } from './run-times';

/** A run started at minute `started`, finished at `finished`, scored at `at`. */
const run = (id: string, started: number, at: number, finished: number): RunRecord => ({
  ...scoredRun(id, started, 'FULL'),
  nowAt: minute(at),
  finishedAt: minute(finished),
});

const manifest = {
  generatedAt: minute(1_000),
  rules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 5 },
};

const implausible = (ordered: RunRecord[], writes?: CutWrites) => {
  const found: string[] = [];
  checkRunTimes(
    ordered,
    manifest,
    Date.parse(minute(1_000)),
    (code, subject) => found.push(`${code} ${subject}`),
    writes,
  );
  return found;
};

/** `minute`'s number as a proof carries it. */
const proven = (at: number) => Date.parse(minute(at)) / 60_000;

describe('checkRunTimes', () => {
  it('allows a run timed within the clock skew before the previous one (another worker)', () => {
    // b's worker clock is 3 minutes behind a's.
    expect(implausible([run('a', 10, 10, 11), run('b', 11, 8, 12)])).toEqual([]);
  });

  it('refuses a run timed further back than the skew, and judges later runs against the last plausible one', () => {
    expect(
      implausible([
        run('a', 10, 10, 11),
        // Timed after it finished (a clock jump, or forged): not what the next runs are held to.
        run('c', 20, 30, 21),
        run('d', 25, 25, 26),
        run('e', 40, 40, 41),
        run('f', 30, 33, 42),
      ]),
    ).toEqual(['RUN_TIME_IMPLAUSIBLE run c', 'RUN_TIME_IMPLAUSIBLE run f']);
  });

  it('refuses a run timed before a write its input includes, beyond the skew twice', () => {
    // Cuts: a's batch 10, b's 20, c's 30, d's 40 (a run's cut is its changedThrough).
    const runs = [
      { ...run('a', 100, 100, 101), changedThrough: '10' },
      { ...run('b', 200, 200, 201), changedThrough: '20' },
      { ...run('c', 290, 290, 301), changedThrough: '30' },
      { ...run('d', 400, 400, 401), changedThrough: '40' },
    ];
    const writes = new CutWrites(runs);
    // In a's cut, proven 10 minutes after a's time: the member's clock and the worker's allow it.
    writes.add('rating r1', '10', proven(110));
    // Sealed after b's cut, in c's: proven long after b's time, but b did not read it.
    writes.add('rating r2', '21', proven(285));
    // In c's cut, proven 21 minutes after c's time, more than the 2 × 5 minutes allowed; and in
    // d's, as every later cut includes it, where it is 89 minutes before d's time.
    writes.add('note n1', '30', proven(311));
    // Sealed after every cut: no run read it.
    writes.add('rating r3', '41', proven(900));
    expect(implausible(runs, writes)).toEqual(['RUN_TIME_IMPLAUSIBLE run c']);
    expect(writes.latestOf(runs[1] as RunRecord)).toEqual({
      subject: 'rating r1',
      minute: proven(110),
    });
    expect(writes.latestOf(runs[3] as RunRecord)).toEqual({
      subject: 'note n1',
      minute: proven(311),
    });
  });

  it('names the write in the sentence, and reads no bound from a run without a cut', () => {
    const timed = { ...run('a', 100, 100, 101), changedThrough: '10' };
    const uncut = { ...run('b', 200, 200, 201), changedThrough: null };
    const writes = new CutWrites([timed, uncut]);
    writes.add('rating r1', '5', proven(111));
    const messages: string[] = [];
    checkRunTimes(
      [timed, uncut],
      manifest,
      Date.parse(minute(1_000)),
      (_code, _subject, message) => messages.push(message),
      writes,
    );
    expect(messages).toEqual([
      expect.stringContaining(
        `before rating r1 was written, at minute ${minute(111)} by its proof, which its input includes (sealed by its cut, batch 10;`,
      ),
    ]);
    expect(writes.latestOf(uncut)).toBeUndefined();
  });
});
