import { finalScore, type FinalScoringResult } from './final-scoring';
import { gaussianScores, type GaussianScores } from './gaussian-scorer';
import { highVolumeRaters } from './high-volume-raters';
import { incorrectCounts, isIncorrectOutlier, type IncorrectCounts } from './incorrect-filter';
import { lowDiligenceIntercepts } from './low-diligence';
import { metaScore } from './meta-scoring';
import type { FitOptions } from './matrix-factorization';
import { postSelectionSimilarity } from './post-selection-similarity';
import { prescore, type PrescoringResult } from './prescoring';
import { quasiCliqueMembers } from './quasi-cliques';
import { countRatingsPerNote } from './rating-filters';
import { withRatings, type ScoringInput } from './scoring-input';
import { sideCountsOf } from './side-counts';
import { CORE_RULES, GAUSSIAN_RULES, finalStatus, type ScorerRules } from './status-rules';
import { stabiliseStatuses, type ModelDecision, type StableStatuses } from './status-stability';
import { tagOutlier, weightedTags } from './tag-filter';
import { scoreOpinionGroups, type OpinionGroupResult } from '../small-community/opinion-groups';
import {
  chooseRegime,
  smallCommunityDecision,
  smallCommunityStatuses,
  type RegimeChoice,
  type RegimeName,
} from '../small-community/regime';

export interface ScoringOptions {
  /** Seeds the first round's initial factors; the same seed and input give identical output. */
  readonly seed?: number;
  readonly fit?: FitOptions;
  /**
   * The run's time. With it, stabilisation (§10.2) and locking (§10.3) apply and the result
   * carries the updated status history; without it `finalStatus` is the status a note settles
   * to. The library never reads the clock itself.
   */
  readonly nowMs?: number;
  /**
   * Which model decides: `auto` (the default) chooses from the data (`chooseRegime`); `core` or
   * `small-community` force one, for the study and for tests.
   */
  readonly regime?: 'auto' | RegimeName;
}

export const DEFAULT_SEED = 42;

/** The Core scorer's verdict per note (§5.3), as typed-array columns indexed like the input. */
export interface NoteStatuses {
  /** A `NoteStatus` per note, FIRM_REJECT included (the reference's `coreRatingStatus`). */
  readonly status: Uint8Array;
  /** The `RuleId` that set the status. */
  readonly decidedBy: Uint8Array;
  /** Bit `1 << RuleId` for every rule whose condition held. */
  readonly activeRules: Uint32Array;
}

/** Per-note outputs of the tag-based safeguards; absent when the input has no tags. */
export interface NoteSafeguards {
  /** §7.1: the outlier `RatingTag` that triggered the tag filter, −1 for none. */
  readonly tagOutlier: Int8Array;
  readonly incorrect: IncorrectCounts;
  /** §7.3: the low-diligence model's note intercept (rule 10 above 0.263), NaN if unscored. */
  readonly lowDiligenceIntercept: Float64Array;
}

/** §3 steps 4 and 6: what preprocessing found about raters. */
export interface RaterSafeguards {
  /** 1 per high-volume participant (§3 step 4). */
  readonly highVolume: Uint8Array;
  /** Post-selection-similarity clique per participant, −1 for none (§7.7). */
  readonly pssClique: Int32Array;
  /** 1 per quasi-clique ("correlated") participant (§7.8). */
  readonly correlated: Uint8Array;
  /** Ratings dropped by the PSS effects of §3 step 6. */
  readonly pssDroppedRatings: number;
  /** Suspicious pairs found by writer–rater affinity (§7.7 a) and by co-rating (§7.7 b). */
  readonly pssAffinityPairs: number;
  readonly pssCoRatingPairs: number;
}

export interface ScoringResult extends NoteStatuses, StableStatuses {
  /** The input as given. */
  readonly input: ScoringInput;
  /** The input after §3 step 6 removed ratings; what every model saw. */
  readonly scoredInput: ScoringInput;
  readonly raters: RaterSafeguards;
  readonly safeguards: NoteSafeguards | undefined;
  /** All ratings per note, the `numRatings` of the ≥ 5 rules. */
  readonly numRatings: Int32Array;
  readonly prescoring: PrescoringResult;
  readonly final: FinalScoringResult;
  /** §8.9: the Gaussian scorer's scores and statuses (its factor is Core's final factor). */
  readonly gaussian: GaussianScores & NoteStatuses;
  /**
   * The status the models settle on and the model that decided it: §9 rules 1–7 (Core, then
   * Gaussian) in the Core regime; `SmallCommunityModel` for every note in the small-community one.
   */
  readonly models: ModelDecision;
  /** The regime that decided the statuses, and what the switch read. */
  readonly regime: RegimeChoice;
  /** The opinion groups and their per-note tallies, when the small-community regime decided. */
  readonly groups: OpinionGroupResult | undefined;
}

/** Runs the whole pipeline of §5: prescoring, final scoring and the status rules. */
export function scoreNotes(input: ScoringInput, options: ScoringOptions = {}): ScoringResult {
  const raters = findSuspiciousRaters(input);
  const scoredInput = raters.pssDroppedRatings > 0 ? withRatings(input, raters.keptRatings) : input;
  const numRatings = countRatingsPerNote(scoredInput);
  const prescoring = prescore(scoredInput, numRatings, {
    seed: options.seed ?? DEFAULT_SEED,
    fit: options.fit,
  });
  const final = finalScore(scoredInput, numRatings, prescoring, raters);
  const safeguards = noteSafeguards(scoredInput, prescoring, final);
  const coreStatuses = applyStatusRules(scoredInput, numRatings, final, safeguards);
  const gaussian = gaussianScores(
    scoredInput,
    final.selection,
    prescoring.finalRound.raterFactor,
    raters,
  );
  const gaussianStatuses = applyStatusRules(scoredInput, numRatings, final, safeguards, {
    rules: GAUSSIAN_RULES,
    scores: { ...gaussian, factor: final.factor, interceptMax: undefined },
  });
  // Issue 20, the one point where the regime is chosen and applied. In a small community the
  // opinion-group regime decides every note in place of the whole meta-scoring step (Core, then
  // Gaussian): both read the Core's factor axis, which the switch judged too thin to trust, so
  // the Gaussian verdict is kept for the explanation only. Stabilisation then treats both alike.
  const regime = chooseRegimeFor(scoredInput, options.regime);
  const groups =
    regime.regime === 'small-community'
      ? scoreOpinionGroups(scoredInput, options.seed ?? DEFAULT_SEED)
      : undefined;
  const statuses = groups ? smallCommunityStatuses(groups) : coreStatuses;
  const models = groups
    ? smallCommunityDecision(statuses.status)
    : metaScore(coreStatuses.status, gaussianStatuses.status);
  const stable = stabiliseStatuses(scoredInput, statuses.status, options.nowMs, models);
  return {
    input,
    scoredInput,
    raters: {
      highVolume: raters.highVolume,
      pssClique: raters.pssClique,
      correlated: raters.correlated,
      pssDroppedRatings: raters.pssDroppedRatings,
      pssAffinityPairs: raters.pssAffinityPairs,
      pssCoRatingPairs: raters.pssCoRatingPairs,
    },
    safeguards,
    numRatings,
    prescoring,
    final,
    gaussian: { ...gaussian, ...gaussianStatuses },
    models,
    regime,
    groups,
    ...statuses,
    ...stable,
  };
}

function chooseRegimeFor(input: ScoringInput, requested: ScoringOptions['regime']): RegimeChoice {
  const choice = chooseRegime(input);
  return requested === undefined || requested === 'auto'
    ? choice
    : { ...choice, regime: requested };
}

/** §3 steps 4 and 6: high-volume raters, PSS cliques (and the ratings they keep), quasi-cliques. */
export function findSuspiciousRaters(
  input: ScoringInput,
): RaterSafeguards & { keptRatings: Int32Array } {
  const pss = postSelectionSimilarity(input);
  return {
    highVolume: highVolumeRaters(input),
    pssClique: pss.clique,
    correlated: quasiCliqueMembers(input),
    pssDroppedRatings: input.ratingNote.length - pss.keptRatings.length,
    pssAffinityPairs: pss.affinityPairs,
    pssCoRatingPairs: pss.coRatingPairs,
    keptRatings: pss.keptRatings,
  };
}

/** §7.1, §7.2 and §7.3 on the final fit; undefined when the input carries no tags. */
export function noteSafeguards(
  input: ScoringInput,
  prescoring: PrescoringResult,
  final: FinalScoringResult,
): NoteSafeguards | undefined {
  if (!input.tagsKnown) return undefined;
  const raterFactor = prescoring.finalRound.raterFactor;
  const tags = weightedTags(input, final.selection, final.factor, raterFactor);
  const tagOutlierColumn = new Int8Array(input.noteIds.length);
  for (let n = 0; n < tagOutlierColumn.length; n++) {
    tagOutlierColumn[n] = tagOutlier(tags, prescoring.tagThresholds, n);
  }
  return {
    tagOutlier: tagOutlierColumn,
    incorrect: incorrectCounts(
      input,
      final.selection,
      final.factor,
      raterFactor,
      prescoring.incorrectPropensity,
    ),
    lowDiligenceIntercept: prescoring.lowDiligence
      ? lowDiligenceIntercepts(input, final.selection, prescoring.lowDiligence)
      : new Float64Array(input.noteIds.length).fill(NaN),
  };
}

/** The per-note figures a scorer's rules read; Core's come from final scoring. */
export interface ModelScores {
  readonly intercept: Float64Array;
  readonly factor: Float64Array;
  /** Pseudo-rater upper bound (§6); undefined for scorers without pseudo-raters. */
  readonly interceptMax: Float64Array | undefined;
  readonly interceptNoHighVol: Float64Array;
  readonly interceptNoCorrelated: Float64Array;
}

/** §5.3 for every note, with a scorer's rules and scores (Core's by default). */
export function applyStatusRules(
  input: ScoringInput,
  numRatings: Int32Array,
  final: FinalScoringResult,
  safeguards?: NoteSafeguards,
  model: { rules: ScorerRules; scores: ModelScores } = { rules: CORE_RULES, scores: final },
): NoteStatuses {
  const { rules, scores } = model;
  const noteCount = input.noteIds.length;
  const status = new Uint8Array(noteCount);
  const decidedBy = new Uint8Array(noteCount);
  const activeRules = new Uint32Array(noteCount);
  for (let n = 0; n < noteCount; n++) {
    const outcome = finalStatus(
      {
        numRatings: numRatings[n],
        misleading: input.noteMisleading[n] === 1,
        intercept: scores.intercept[n],
        factor: scores.factor[n],
        interceptMax: scores.interceptMax ? scores.interceptMax[n] : NaN,
        previouslyHelpful: input.notePreviouslyHelpful[n] === 1,
        tagOutlier: safeguards !== undefined && safeguards.tagOutlier[n] >= 0,
        incorrectOutlier: safeguards !== undefined && isIncorrectOutlier(safeguards.incorrect, n),
        lowDiligenceIntercept: safeguards?.lowDiligenceIntercept[n],
        interceptNoHighVol: scores.interceptNoHighVol[n],
        interceptNoCorrelated: scores.interceptNoCorrelated[n],
      },
      sideCountsOf(final.sides, n),
      rules,
    );
    status[n] = outcome.status;
    decidedBy[n] = outcome.decidedBy;
    activeRules[n] = outcome.activeRules;
  }
  return { status, decidedBy, activeRules };
}

/** Index of an id in the input's sorted id list, or −1 (binary search, code-unit order). */
export function indexOfId(sortedIds: readonly string[], id: string): number {
  let low = 0;
  let high = sortedIds.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const candidate = sortedIds[mid];
    if (candidate === id) return mid;
    if (candidate < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
