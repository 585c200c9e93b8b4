import { SHOWN_STATUSES, type ShownStatus } from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { ResultRecord, RunRecord } from './export-format';

const finished = (run: RunRecord) => Date.parse(run.finishedAt ?? '');
const cutOf = (run: RunRecord) => BigInt(run.changedThrough ?? -1);

/**
 * Runs in the order `IncrementalBaseStore` reads them: by cut (the database's batch counter),
 * then by finishing time (a worker's clock, which alone may disagree between workers).
 */
function byCut(a: RunRecord, b: RunRecord): number {
  const [x, y] = [cutOf(a), cutOf(b)];
  return x === y ? finished(a) - finished(b) : x < y ? -1 : 1;
}

/**
 * Each succeeded incremental run names as its base the latest full run (libs/scoring-store
 * `IncrementalBaseStore`): the frozen raters it scored against. A community's runs never overlap
 * (its scoring lease), so that is the latest full run before it in the order of their cuts, then
 * finishing times (the instance's clock; a run's start may be a test's chosen time). A run naming
 * another, or one that is not a succeeded full run, did not score as published.
 */
export function checkIncrementalBases(runs: readonly RunRecord[], report: ReportDiscrepancy) {
  const fulls = runs
    .filter((run) => run.status === 'SUCCEEDED' && run.kind !== 'INCREMENTAL' && run.finishedAt)
    .sort(byCut);
  for (const run of runs) {
    if (run.kind !== 'INCREMENTAL' || run.status !== 'SUCCEEDED') continue;
    const latest = fulls.filter((full) => byCut(full, run) < 0).pop();
    if (run.baseRunId !== latest?.id) {
      report(
        'RUN_BASE_INCONSISTENT',
        `run ${run.id}`,
        latest
          ? `the incremental run names ${run.baseRunId} as its base, but the latest full run finished before it is ${latest.id}`
          : `the incremental run names ${run.baseRunId} as its base, but no succeeded full run of the export finished before it`,
      );
    }
  }
}

/**
 * An incremental run publishes the community's status counts when it published, most of them
 * other runs' statuses: every note's published status (the algorithm's, in `recomputed`, for the
 * notes whose run was recomputed), as no later run changed any. Notes written while it
 * published, or since, are at NEEDS_MORE_RATINGS without a run: the run may count fewer such
 * notes than the export has, never more, and exactly the other statuses.
 */
export function checkCommunityCounts(
  run: RunRecord,
  results: ReadonlyMap<string, ResultRecord>,
  recomputed: ReadonlyMap<string, ShownStatus>,
  report: ReportDiscrepancy,
): void {
  const counts = Object.fromEntries(SHOWN_STATUSES.map((status) => [status, 0])) as Record<
    ShownStatus,
    number
  >;
  let unscored = 0;
  for (const [noteId, result] of results) {
    counts[recomputed.get(noteId) ?? result.status] += 1;
    if (result.runId === null) unscored += 1;
  }
  const claimed = run.statusCounts;
  const late = counts.NEEDS_MORE_RATINGS - (claimed?.NEEDS_MORE_RATINGS ?? NaN);
  if (
    !claimed ||
    claimed.CURRENTLY_RATED_HELPFUL !== counts.CURRENTLY_RATED_HELPFUL ||
    claimed.CURRENTLY_RATED_NOT_HELPFUL !== counts.CURRENTLY_RATED_NOT_HELPFUL ||
    !(late >= 0 && late <= unscored)
  ) {
    report(
      'RUN_COUNTS_MISMATCH',
      `run ${run.id}`,
      `the incremental run reports the community's status counts ${JSON.stringify(claimed)}, but the published statuses (its own notes' recomputed) are ${JSON.stringify(counts)}, ${unscored} of the notes at NEEDS_MORE_RATINGS never scored`,
    );
  }
}
