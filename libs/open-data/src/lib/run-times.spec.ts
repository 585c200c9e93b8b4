import { minute, scoredRun } from '../testing/memory-export';
import type { RunRecord } from './export-format';
import { checkRunTimes } from './run-times';

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

const implausible = (ordered: RunRecord[]) => {
  const found: string[] = [];
  checkRunTimes(ordered, manifest, Date.parse(minute(1_000)), (code, subject) =>
    found.push(`${code} ${subject}`),
  );
  return found;
};

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
});
