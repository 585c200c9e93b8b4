import { CLOCK_SKEW_MINUTES } from '@bridgenotes/protocol';
import { ALGORITHM_VERSION, CLIENT_MINUTE_SLACK_MS } from '@bridgenotes/scoring';

import { scoredRun } from '../testing/memory-export';
import { checkAlgorithmOrder, PAST_ALGORITHMS } from './algorithms';
import type { Severity } from './discrepancy';
import type { RunRecord } from './export-format';

const PREVIOUS = PAST_ALGORITHMS[PAST_ALGORITHMS.length - 1] as string;

/** Run `id`, the `at`-th to finish, of this verifier's algorithm or the release before it. */
const run = (id: string, at: number, previous = false, baseRunId: string | null = null) => ({
  ...scoredRun(id, at, baseRunId ? 'INCREMENTAL' : 'FULL'),
  algorithmVersion: previous ? PREVIOUS : ALGORITHM_VERSION,
  baseRunId,
});

const backwards = (ordered: RunRecord[]) => {
  const found: [string, Severity][] = [];
  checkAlgorithmOrder(ordered, (code, subject, _message, severity) =>
    found.push([`${code} ${subject}`, severity ?? 'error']),
  );
  return found;
};

describe('checkAlgorithmOrder', () => {
  it('warns of an earlier run going back (a rolling deploy or rollback), which is not recomputed', () => {
    expect(backwards([run('n', 1), run('rolled', 2, true), run('m', 3), run('latest', 4)])).toEqual(
      [['ALGORITHM_BACKWARDS run rolled', 'warning']],
    );
  });

  it('refuses the latest run, its base or an incremental run on that base going back', () => {
    expect(backwards([run('n', 1), run('latest', 2, true)])).toEqual([
      ['ALGORITHM_BACKWARDS run latest', 'error'],
    ]);
    expect(backwards([run('n', 1), run('base', 2, true), run('latest', 3, false, 'base')])).toEqual(
      [['ALGORITHM_BACKWARDS run base', 'error']],
    );
    expect(
      backwards([run('base', 1), run('between', 2, true, 'base'), run('latest', 3, false, 'base')]),
    ).toEqual([['ALGORITHM_BACKWARDS run between', 'error']]);
  });
});

describe("the algorithm's trust in members' minutes", () => {
  it('leaves the whole clock window the API accepts, and the minute itself, as slack', () => {
    // The scoring library cannot import the protocol: a wider window there must widen this too.
    expect(CLIENT_MINUTE_SLACK_MS).toBe((CLOCK_SKEW_MINUTES + 1) * 60_000);
  });
});
