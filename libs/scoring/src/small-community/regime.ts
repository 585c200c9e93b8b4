import { MIN_RATINGS_PER_RATER } from '../lib/constants';
import { MetaRule, NoteStatus, publicStatus, RuleId } from '../lib/note-status';
import { filterRatingsForTraining } from '../lib/rating-filters';
import type { ScoringInput } from '../lib/scoring-input';
import type { ModelDecision } from '../lib/status-stability';
import type { OpinionGroupResult } from './opinion-groups';

/**
 * Which model decides the statuses of a run. `core` is the Community Notes Core scorer with its
 * safeguards; `small-community` the opinion-group regime (`opinion-groups.ts`), for communities
 * too small for the Core's rating filters. Recorded in every run and export; a verifier
 * recomputes it from the same input. The API answers them as libs/protocol's `SCORING_REGIMES`,
 * held to this list at compile time (apps/api/src/app/scoring-runs/dto/scoring-regime.ts).
 */
export const REGIME_NAMES = ['core', 'small-community'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

/**
 * The switch, from the data alone, measured by the study in `docs/small-community-scoring.md`:
 * the Core decides once at least this many members have its minimum of 10 ratings (§4.5) and its
 * rating filters keep at least this share of the community's ratings. Below either, the Core
 * shows few truly bridging notes (its filters drop most raters and notes); above both it matches
 * the opinion groups' recall with better precision, and its safeguards (high-volume raters,
 * cliques, tag filters) have the data they need.
 */
export const CORE_MIN_ESTABLISHED_RATERS = 200;
export const CORE_MIN_KEPT_SHARE = 0.83;

export interface RegimeChoice {
  readonly regime: RegimeName;
  /** Members with at least the Core's minimum of ratings. */
  readonly establishedRaters: number;
  /** Share of the ratings the Core's rating filters keep (§4.5), 0 without ratings. */
  readonly coreKeptShare: number;
}

/**
 * `trainingRatings` is how many ratings the Core's rating filters keep (§4.5); a run that has
 * already filtered the input (CoreWithTopics' prescoring does) passes its count instead of
 * filtering a million ratings again.
 */
export function chooseRegime(
  input: ScoringInput,
  trainingRatings: number = filterRatingsForTraining(input).length,
): RegimeChoice {
  const counts = new Int32Array(input.participantIds.length);
  for (const u of input.ratingRater) counts[u]++;
  let establishedRaters = 0;
  for (const count of counts) if (count >= MIN_RATINGS_PER_RATER) establishedRaters++;
  const total = input.ratingNote.length;
  const coreKeptShare = total > 0 ? trainingRatings / total : 0;
  return {
    regime:
      establishedRaters >= CORE_MIN_ESTABLISHED_RATERS && coreKeptShare >= CORE_MIN_KEPT_SHARE
        ? 'core'
        : 'small-community',
    establishedRaters,
    coreKeptShare,
  };
}

/** The small-community regime's verdict in the Core's column shape. */
export function smallCommunityStatuses(groups: OpinionGroupResult): {
  status: Uint8Array;
  decidedBy: Uint8Array;
  activeRules: Uint32Array;
} {
  const status = groups.status.slice();
  const decidedBy = new Uint8Array(status.length);
  const activeRules = new Uint32Array(status.length);
  for (let n = 0; n < status.length; n++) {
    const rule =
      status[n] === NoteStatus.CurrentlyRatedHelpful
        ? RuleId.GroupsCRH
        : status[n] === NoteStatus.CurrentlyRatedNotHelpful
          ? RuleId.GroupsCRNH
          : RuleId.GroupsNMR;
    decidedBy[n] = rule;
    activeRules[n] = 1 << rule;
  }
  return { status, decidedBy, activeRules };
}

/**
 * The deciding model of a run the small-community regime decided: it replaces §9's meta-scoring
 * as a whole (the Gaussian coverage step reads the same factor axis the switch found too thin),
 * so every note is credited to `SmallCommunityModel`.
 */
export function smallCommunityDecision(status: Uint8Array): ModelDecision {
  return {
    status: Uint8Array.from(status, (s) => publicStatus(s)),
    decidedBy: new Uint8Array(status.length).fill(MetaRule.SmallCommunityModel),
  };
}
