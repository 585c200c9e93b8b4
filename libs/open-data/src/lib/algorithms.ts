import { ALGORITHM_VERSION, DEFAULT_SEED } from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { RunRecord } from './export-format';

/**
 * The algorithm versions Bridgenotes published before this verifier's, oldest first
 * (libs/scoring `ALGORITHM_VERSION`): a run of one of them is recomputed by the Bridgenotes
 * release that ran it, not by this one. Any other version names no algorithm anyone can run.
 */
export const PAST_ALGORITHMS: readonly string[] = [
  'core/1',
  'safeguards/1',
  'regimes/1',
  'meta/1',
  'meta/2',
  'meta/3',
  'meta/4',
  'meta/5',
  'meta/6',
];

/**
 * Whether this verifier runs the run's algorithm; else reported: a past version as a warning
 * (the run is left unchecked, which the verdict says), an unknown one as an error.
 */
export function checkAlgorithm(run: RunRecord, what: string, report: ReportDiscrepancy): boolean {
  if (run.algorithmVersion === ALGORITHM_VERSION) return true;
  if (run.algorithmVersion !== null && PAST_ALGORITHMS.includes(run.algorithmVersion)) {
    report(
      'ALGORITHM_OLDER',
      `run ${run.id}`,
      `${what} ran algorithm ${run.algorithmVersion}, before this verifier's ${ALGORITHM_VERSION}: recompute it with the Bridgenotes release that ran it (docs/verifiability.md)`,
      'warning',
    );
  } else {
    report(
      'ALGORITHM_UNKNOWN',
      `run ${run.id}`,
      `${what} names algorithm ${JSON.stringify(run.algorithmVersion)}, which no Bridgenotes release published (this verifier's is ${ALGORITHM_VERSION}): its statuses cannot be recomputed by anyone`,
    );
  }
  return false;
}

/**
 * The succeeded runs' algorithms, in the order they published, never going back to an older
 * version: a release only moves forward, and a run of a past algorithm is left unchecked (a
 * warning) where this verifier's would be recomputed, so an operator could otherwise score with
 * an older release to keep a run from being checked. That matters only for the runs this
 * verifier recomputes, the latest, its base and the incremental runs on that base: one of them
 * going back is an error. An older run going back is a warning: a rolling deploy or a rollback
 * (a run of the new release, then one of an old worker's) does it honestly, and run records are
 * kept for good, so an error would stay for every later verification. Versions no release
 * published are left to `ALGORITHM_UNKNOWN`.
 */
export function checkAlgorithmOrder(ordered: readonly RunRecord[], report: ReportDiscrepancy) {
  const releases = [...PAST_ALGORITHMS, ALGORITHM_VERSION];
  const latest = ordered[ordered.length - 1];
  const recomputed = (run: RunRecord) =>
    run === latest ||
    run.id === latest?.baseRunId ||
    (latest?.kind === 'INCREMENTAL' &&
      run.kind === 'INCREMENTAL' &&
      run.baseRunId === latest.baseRunId);
  let newest: RunRecord | undefined;
  for (const run of ordered) {
    const rank = releases.indexOf(run.algorithmVersion ?? '');
    if (rank < 0) continue;
    if (newest && rank < releases.indexOf(newest.algorithmVersion as string)) {
      const checked = recomputed(run);
      report(
        'ALGORITHM_BACKWARDS',
        `run ${run.id}`,
        `the run used algorithm ${run.algorithmVersion}, older than the ${newest.algorithmVersion} of run ${newest.id}, which published before it${checked ? '' : ' (a run this verifier does not recompute: a rolling deploy or rollback may explain it)'}`,
        checked ? 'error' : 'warning',
      );
    } else newest = run;
  }
}

/**
 * Whether the run was scored with the seed the worker always scores with (`DEFAULT_SEED`; null
 * for a run that publishes none), else reported. The seed is published by the instance and the
 * recomputation takes it: an operator could score a borderline note with seed after seed and
 * publish the run whose statuses suit it, which recomputes equal.
 */
export function checkSeed(run: RunRecord, what: string, report: ReportDiscrepancy): void {
  if (run.seed === null || run.seed === DEFAULT_SEED) return;
  report(
    'SEED_UNEXPECTED',
    `run ${run.id}`,
    `${what} was scored with seed ${run.seed}, not the ${DEFAULT_SEED} every Bridgenotes worker scores with: its statuses may be picked among other seeds`,
  );
}
