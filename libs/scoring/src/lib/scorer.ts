import { finalScore, type FinalScoringResult } from './final-scoring';
import { highVolumeRaters } from './high-volume-raters';
import { incorrectCounts, isIncorrectOutlier, type IncorrectCounts } from './incorrect-filter';
import { lowDiligenceIntercepts } from './low-diligence';
import type { FitOptions } from './matrix-factorization';
import {
  activeRuleNames,
  META_RULE_NAMES,
  MetaRule,
  NOTE_STATUS_NAMES,
  NoteStatus,
  RULE_NAMES,
  RuleId,
} from './note-status';
import { postSelectionSimilarity } from './post-selection-similarity';
import { prescore, type PrescoringResult } from './prescoring';
import { quasiCliqueMembers } from './quasi-cliques';
import { countRatingsPerNote } from './rating-filters';
import { TAG_NAMES } from './rating-tags';
import { withRatings, type ScoringInput } from './scoring-input';
import { sideCountsOf, type SideTally } from './side-counts';
import { finalStatus } from './status-rules';
import { stabiliseStatuses, type StableStatuses } from './status-stability';
import { tagOutlier, weightedTags } from './tag-filter';
import {
  coreMissingRatings,
  groupMissingRatings,
  type MissingRatings,
} from '../small-community/missing-ratings';
import { scoreOpinionGroups, type OpinionGroupResult } from '../small-community/opinion-groups';
import {
  chooseRegime,
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
  // Issue 20, the one point where the regime is chosen and applied: in a small community the
  // opinion-group regime's verdict replaces the Core's; stabilisation then treats it alike.
  const regime = chooseRegimeFor(scoredInput, options.regime);
  const groups =
    regime.regime === 'small-community'
      ? scoreOpinionGroups(scoredInput, options.seed ?? DEFAULT_SEED)
      : undefined;
  const statuses = groups ? smallCommunityStatuses(groups) : coreStatuses;
  const stable = stabiliseStatuses(scoredInput, statuses.status, options.nowMs);
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

/** §5.3 for every note. */
export function applyStatusRules(
  input: ScoringInput,
  numRatings: Int32Array,
  final: FinalScoringResult,
  safeguards?: NoteSafeguards,
): NoteStatuses {
  const noteCount = input.noteIds.length;
  const status = new Uint8Array(noteCount);
  const decidedBy = new Uint8Array(noteCount);
  const activeRules = new Uint32Array(noteCount);
  for (let n = 0; n < noteCount; n++) {
    const outcome = finalStatus(
      {
        numRatings: numRatings[n],
        misleading: input.noteMisleading[n] === 1,
        intercept: final.intercept[n],
        factor: final.factor[n],
        interceptMax: final.interceptMax[n],
        previouslyHelpful: input.notePreviouslyHelpful[n] === 1,
        tagOutlier: safeguards !== undefined && safeguards.tagOutlier[n] >= 0,
        incorrectOutlier: safeguards !== undefined && isIncorrectOutlier(safeguards.incorrect, n),
        lowDiligenceIntercept: safeguards?.lowDiligenceIntercept[n],
        interceptNoHighVol: final.interceptNoHighVol[n],
        interceptNoCorrelated: final.interceptNoCorrelated[n],
      },
      sideCountsOf(final.sides, n),
    );
    status[n] = outcome.status;
    decidedBy[n] = outcome.decidedBy;
    activeRules[n] = outcome.activeRules;
  }
  return { status, decidedBy, activeRules };
}

/** Numbers an API or widget can show to explain a note's status; null where not computed. */
export interface NoteExplanation {
  readonly noteId: string;
  /** The status to show (FIRM_REJECT shown as NEEDS_MORE_RATINGS), after the stability rules. */
  readonly status: string;
  /** The Core status as shown before stabilisation, locking and the explanation requirement. */
  readonly preStabilizationStatus: string;
  /** The Core scorer's internal status, FIRM_REJECT included. */
  readonly coreStatus: string;
  /**
   * The rule or safeguard that decided the shown status: a stability rule
   * (NmrDueToMinStableCrhTime, ScoringDriftGuard, InsufficientExplanation) when one overrode
   * the Core status, otherwise the Core rule (e.g. GeneralCRH, TagFilter, NoHighVolIntercept).
   */
  readonly decidedBy: string;
  /** The reference's `decidedBy`: CoreModel or the stability rule. */
  readonly metaDecidedBy: string;
  /** The Core rule that set the Core status, and every Core rule whose condition held. */
  readonly coreDecidedBy: string;
  readonly activeRules: readonly string[];
  /** §9: the two explanation tags shown with a CRH or CRNH status, null when absent. */
  readonly firstTag: string | null;
  readonly secondTag: string | null;
  /** §5.2 (a)/(b): the intercept without high-volume and without correlated raters. */
  readonly interceptNoHighVol: number | null;
  readonly interceptNoCorrelated: number | null;
  /** §7.1: the not-helpful tag that made the note a tag outlier, null when none. */
  readonly tagOutlier: string | null;
  /** §7.2: nearby raters' Incorrect tags, their number and the tf-idf score; null without tags. */
  readonly incorrectTags: number | null;
  readonly incorrectVoters: number | null;
  readonly incorrectTfIdf: number | null;
  /** §7.3: the low-diligence intercept; above 0.263 it blocks CRH. Null without tags. */
  readonly lowDiligenceIntercept: number | null;
  /** §5.1 step 6: the harassment/abuse tag-consensus intercept (logit); null if not modelled. */
  readonly harassmentIntercept: number | null;
  readonly intercept: number | null;
  readonly factor: number | null;
  /** Pseudo-rater bounds of the intercept (§6). */
  readonly interceptMin: number | null;
  readonly interceptMax: number | null;
  readonly firstRoundIntercept: number | null;
  readonly firstRoundFactor: number | null;
  /** All ratings of the note, and those from helpful raters the final fit used. */
  readonly numRatings: number;
  readonly finalRoundRatings: number;
  /** Final-fit ratings by viewpoint side: raters with negative and with non-negative factors. */
  readonly negativeFactorRaters: SideTally;
  readonly positiveFactorRaters: SideTally;
  readonly netMinHelpful: number;
  readonly netMinHelpfulRatio: number;
  /** The regime that decided, each side's ratings in its terms, and what is still missing. */
  readonly missing: MissingRatings;
}

export interface RaterExplanation {
  readonly participantId: string;
  /** Final-round parameters; null when the rater was not in the final round. */
  readonly intercept: number | null;
  readonly factor: number | null;
  readonly firstRoundIntercept: number | null;
  readonly firstRoundFactor: number | null;
  readonly validRatings: number;
  readonly agreeingRatings: number;
  readonly agreeRatio: number | null;
  /** §5.1 step 6: agreeing ratings lost for rating harassing notes HELPFUL. */
  readonly harassmentPenalty: number;
  readonly crhCrnhRatioDifference: number | null;
  readonly meanNoteScore: number | null;
  readonly aboveHelpfulnessThreshold: boolean;
  readonly highVolume: boolean;
  readonly correlated: boolean;
  readonly postSelectionClique: number | null;
}

function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export function explainNote(result: ScoringResult, note: number): NoteExplanation {
  const { final, prescoring } = result;
  const sides = sideCountsOf(final.sides, note);
  const status = result.status[note] as NoteStatus;
  const meta = result.metaDecidedBy[note] as MetaRule;
  const coreDecidedBy = RULE_NAMES[result.decidedBy[note] as RuleId];
  const tag = (t: number): string | null => (t >= 0 ? TAG_NAMES[t] : null);
  const incorrect = result.safeguards?.incorrect;
  return {
    noteId: result.input.noteIds[note],
    status: NOTE_STATUS_NAMES[result.finalStatus[note] as NoteStatus],
    preStabilizationStatus: NOTE_STATUS_NAMES[result.preStabilizationStatus[note] as NoteStatus],
    coreStatus: NOTE_STATUS_NAMES[status],
    decidedBy: meta === MetaRule.CoreModel ? coreDecidedBy : META_RULE_NAMES[meta],
    metaDecidedBy: META_RULE_NAMES[meta],
    coreDecidedBy,
    activeRules: activeRuleNames(result.activeRules[note]),
    firstTag: tag(result.firstTag[note]),
    secondTag: tag(result.secondTag[note]),
    interceptNoHighVol: orNull(final.interceptNoHighVol[note]),
    interceptNoCorrelated: orNull(final.interceptNoCorrelated[note]),
    tagOutlier: tag(result.safeguards?.tagOutlier[note] ?? -1),
    incorrectTags: incorrect ? incorrect.incorrect[note] : null,
    incorrectVoters: incorrect ? incorrect.voters[note] : null,
    incorrectTfIdf: incorrect ? orNull(incorrect.tfIdf[note]) : null,
    lowDiligenceIntercept: orNull(result.safeguards?.lowDiligenceIntercept[note] ?? NaN),
    harassmentIntercept: orNull(prescoring.harassment?.noteIntercept[note] ?? NaN),
    intercept: orNull(final.intercept[note]),
    factor: orNull(final.factor[note]),
    interceptMin: orNull(final.interceptMin[note]),
    interceptMax: orNull(final.interceptMax[note]),
    firstRoundIntercept: orNull(prescoring.firstRound.noteIntercept[note]),
    firstRoundFactor: orNull(prescoring.firstRound.noteFactor[note]),
    numRatings: result.numRatings[note],
    finalRoundRatings: final.finalRatings[note],
    negativeFactorRaters: sides.negative,
    positiveFactorRaters: sides.positive,
    netMinHelpful: sides.netMinHelpful,
    netMinHelpfulRatio: sides.netMinHelpfulRatio,
    missing: result.groups
      ? groupMissingRatings(result.groups, note)
      : coreMissingRatings(sides, result.numRatings[note]),
  };
}

export function explainRater(result: ScoringResult, participant: number): RaterExplanation {
  const { finalRound, firstRound, helpfulness } = result.prescoring;
  return {
    participantId: result.input.participantIds[participant],
    intercept: orNull(finalRound.raterIntercept[participant]),
    factor: orNull(finalRound.raterFactor[participant]),
    firstRoundIntercept: orNull(firstRound.raterIntercept[participant]),
    firstRoundFactor: orNull(firstRound.raterFactor[participant]),
    validRatings: helpfulness.validRatings[participant],
    agreeingRatings: helpfulness.agreeingRatings[participant],
    agreeRatio: orNull(helpfulness.agreeRatio[participant]),
    harassmentPenalty: helpfulness.harassmentPenalty[participant],
    crhCrnhRatioDifference: orNull(helpfulness.crhCrnhRatioDifference[participant]),
    meanNoteScore: orNull(helpfulness.meanNoteScore[participant]),
    aboveHelpfulnessThreshold: helpfulness.aboveHelpfulnessThreshold[participant] === 1,
    highVolume: result.raters.highVolume[participant] === 1,
    correlated: result.raters.correlated[participant] === 1,
    postSelectionClique:
      result.raters.pssClique[participant] >= 0 ? result.raters.pssClique[participant] : null,
  };
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
