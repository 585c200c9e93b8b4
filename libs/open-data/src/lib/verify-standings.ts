import {
  computeStandings,
  type PseudonymStanding,
  type ScoringInput,
  type ScoringResult,
} from '@bridgenotes/scoring';

import type { StandingRecord } from './export-format';

type Report = (code: string, subject: string, message: string) => void;

const FIELDS = [
  'ratingImpact',
  'writingImpact',
  'successfulRatings',
  'unsuccessfulRatings',
  'notesHelpful',
  'notesNotHelpful',
  'notesNeedingRatings',
  'recentNotHelpful',
  'impactSinceLock',
] as const satisfies readonly (keyof PseudonymStanding)[];

/**
 * Recomputes every pseudonym's earned standing from the run's recomputed statuses, as the
 * instance's publication does, and compares it with the exported one: a standing the instance
 * made up, dropped or changed (to let a pseudonym write, or keep one from writing) shows here.
 * Returns how many standings were compared.
 */
export function checkStandings(
  runId: string,
  input: ScoringInput,
  result: Pick<ScoringResult, 'finalStatus' | 'history'>,
  exported: ReadonlyMap<string, StandingRecord>,
  report: Report,
): number {
  const computed = computeStandings(input, result);
  const seen = new Set<string>();
  for (const standing of computed) {
    seen.add(standing.pseudonym);
    const subject = `pseudonym ${standing.pseudonym}`;
    const published = exported.get(standing.pseudonym);
    if (!published || published.runId !== runId) {
      report(
        'STANDING_NOT_FROM_RUN',
        subject,
        `the pseudonym acted in run ${runId}'s input, but its published standing is ${published ? `run ${published.runId}'s` : 'missing'}`,
      );
      continue;
    }
    const differing = FIELDS.filter((field) => published[field] !== standing[field]);
    if (differing.length > 0) {
      report(
        'STANDING_MISMATCH',
        subject,
        `published ${differing.map((field) => `${field} ${published[field]}`).join(', ')}; the run's statuses give ${differing.map((field) => `${field} ${standing[field]}`).join(', ')}`,
      );
    }
  }
  for (const pseudonym of exported.keys()) {
    if (!seen.has(pseudonym)) {
      report(
        'STANDING_UNKNOWN',
        `pseudonym ${pseudonym}`,
        `a standing is published for a pseudonym with no note or rating in run ${runId}'s input`,
      );
    }
  }
  return computed.length;
}
