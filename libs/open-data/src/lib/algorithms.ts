import { ALGORITHM_VERSION } from '@bridgenotes/scoring';

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
