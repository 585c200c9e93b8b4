import { SCORING_REGIMES, type ScoringRegime } from '@bridgenotes/protocol';
import { REGIME_NAMES } from '@bridgenotes/scoring';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The regimes the API answers (libs/protocol, read by the clients) are the scorer's (libs/scoring,
 * which decides them; neither library may import the other): the same list, in the same order, or
 * this line fails the typecheck.
 */
export const REGIMES_AGREE: Same<typeof REGIME_NAMES, typeof SCORING_REGIMES> = true;

/** For `@ApiProperty({ enum })`, which takes a mutable array. */
export const REGIME_ENUM: ScoringRegime[] = [...SCORING_REGIMES];

/** A run's stored regime (a text column) as the API answers it; null for runs before regimes. */
export function storedRegime(stored: string | null): ScoringRegime | null {
  return SCORING_REGIMES.find((name) => name === stored) ?? null;
}
