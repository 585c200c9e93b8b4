import { promotionProblem, type ExportManifest } from '@bridgenotes/open-data';
import {
  CLOCK_SKEW_MINUTES,
  communityScope,
  isInt64Text,
  MAX_ROOT_HISTORY_WINDOW_SECONDS,
} from '@bridgenotes/protocol';

import type { OriginRules } from './mirror-state';
import { UUID } from './record-rules';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isWholeNumber = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

export type OriginManifestCheck =
  { ok: true; id: string; scope: string; rules: OriginRules } | { ok: false; problem: string };

/**
 * What a mirror reads of an origin's manifest, each field checked: when it starts following
 * (`POST /mirrors`) and again on every pull, as the origin is another party whose manifest may
 * change. Its rules are stored and restated in the mirror's own manifest, where `verify` reads
 * them; a field missing would otherwise throw mid-pull, or fail the mirror's own export.
 */
export function checkOriginManifest(manifest: ExportManifest): OriginManifestCheck {
  const refuse = (problem: string) => ({ ok: false as const, problem });
  const { community, rules, changeHorizon, streams } = manifest as unknown as Record<
    string,
    unknown
  >;
  if (!isRecord(community)) return refuse('community is not an object');
  if (!isRecord(rules)) return refuse('rules is not an object');
  const { id, scope } = community;
  if (typeof id !== 'string' || !UUID.test(id)) return refuse('community.id is not a UUID');
  if (scope !== communityScope(id).toString()) {
    return refuse('community.scope is not derived from community.id');
  }
  if (typeof changeHorizon !== 'string' || !isInt64Text(changeHorizon)) {
    return refuse('changeHorizon is not a change batch: it has no change feed');
  }
  if (!Array.isArray(streams) || !streams.every((stream) => typeof stream === 'string')) {
    return refuse('streams is not a list of stream names');
  }
  const promotion = promotionProblem(manifest.promotion);
  if (promotion !== undefined) return refuse(promotion);
  for (const rule of ['rootHistoryWindowSeconds', 'clockSkewMinutes'] as const) {
    if (!isWholeNumber(rules[rule])) return refuse(`rules.${rule} is not a whole number`);
  }
  // The clock skew is the protocol's, not an instance's choice: a wider one restated in the
  // mirror's manifest would admit proofs at minutes no honest instance takes, and `verify`
  // refuses it (RULES_CLOCK_SKEW) in the mirror's own export.
  if ((rules['clockSkewMinutes'] as number) > CLOCK_SKEW_MINUTES) {
    return refuse(`rules.clockSkewMinutes is over the protocol's ${CLOCK_SKEW_MINUTES} minutes`);
  }
  // A mirror keeps the widest window its origin ever stated, for good: bounded as an instance's.
  if ((rules['rootHistoryWindowSeconds'] as number) > MAX_ROOT_HISTORY_WINDOW_SECONDS) {
    return refuse(
      `rules.rootHistoryWindowSeconds is over ${MAX_ROOT_HISTORY_WINDOW_SECONDS} seconds (30 days)`,
    );
  }
  return {
    ok: true,
    id,
    scope,
    rules: {
      rootHistoryWindowSeconds: rules['rootHistoryWindowSeconds'] as number,
      clockSkewMinutes: rules['clockSkewMinutes'] as number,
    },
  };
}
