import {
  activeRuleNames,
  META_RULE_NAMES,
  MetaRule,
  NOTE_STATUS_NAMES,
  NoteStatus,
  RULE_NAMES,
  RuleId,
} from './note-status';
import { TAG_NAMES } from './rating-tags';
import type { ScoringResult } from './scorer';
import type { ScorerStatuses } from './scorer-models';
import { sideCountsOf, type SideTally } from './side-counts';
import {
  coreMissingRatings,
  groupMissingRatings,
  type MissingRatings,
} from '../small-community/missing-ratings';

/** Meta rules naming a model whose own rule (Core's or the opinion groups') set the status. */
const DECIDING_MODELS: ReadonlySet<MetaRule> = new Set([
  MetaRule.CoreModel,
  MetaRule.SmallCommunityModel,
]);

/** Numbers an API or widget can show to explain a note's status; null where not computed. */
export interface NoteExplanation {
  readonly noteId: string;
  /** The status to show (FIRM_REJECT shown as NEEDS_MORE_RATINGS), after the stability rules. */
  readonly status: string;
  /** The Core status as shown before stabilisation, locking and the explanation requirement. */
  readonly preStabilizationStatus: string;
  /**
   * The deciding regime's internal status: the Core scorer's (FIRM_REJECT included), or the
   * opinion groups' where the small-community regime decided the run.
   */
  readonly coreStatus: string;
  /**
   * The rule or safeguard that decided the shown status: a stability rule
   * (NmrDueToMinStableCrhTime, ScoringDriftGuard, InsufficientExplanation) when one overrode
   * the models' status, `GaussianModel` when the Gaussian scorer decided, `TopicModel` when a
   * topic's own model held a helpful note back (§8.6), otherwise the Core
   * rule (e.g. GeneralCRH, TagFilter, NoHighVolIntercept) or, in the small-community regime,
   * the opinion groups' (OpinionGroupsCRH, OpinionGroupsCRNH, OpinionGroupsNMR).
   */
  readonly decidedBy: string;
  /** The reference's `decidedBy`: the deciding scorer (`decidingModel`) or the stability rule. */
  readonly metaDecidedBy: string;
  /**
   * The scorer whose status the note has before the stability rules (§9 rules 1–7):
   * `CoreModel`; `CoreWithTopicsModel` for a topic note; `ExpansionModel` / `ExpansionPlusModel`
   * for a note no higher-priority scorer scored (an unrated note); `GaussianModel` /
   * `GaussianCoreWithTopicsModel` where a Gaussian scorer moved a note left at
   * NEEDS_MORE_RATINGS / NEEDS_YOUR_HELP (to helpful, or not helpful); `TopicModel` where a
   * topic's own model vetoed a helpful topic note (§8.6); or `SmallCommunityModel`
   * for every note of a run the small-community regime decided (it replaces rules 1–7).
   */
  readonly decidingModel: string;
  /** §8.9: the Gaussian scorer's status (FIRM_REJECT never; its filters give NMR) and figures. */
  readonly gaussian: {
    readonly status: string;
    readonly decidedBy: string;
    /** The geometric mean of smoothed helpfulness across the factor axis; negative: not helpful. */
    readonly intercept: number | null;
    readonly interceptNoHighVol: number | null;
    readonly interceptNoCorrelated: number | null;
  };
  /** §8.6: the note's topic (from its post's notes' text and the community's seed terms). */
  readonly topic: string | null;
  /**
   * §8.6: the topic's own model, where it scored the note: its intercept and factor (null
   * without a fit) and whether it is confident (more than four raters on each side of its axis).
   * A confident model vetoes a helpful note below 0.24 or beyond ±0.51 (`TopicModel`); an
   * unconfident one keeps a new helpful note held for the whole hour of stabilisation.
   */
  readonly topicModel: {
    readonly intercept: number | null;
    readonly factor: number | null;
    readonly confident: boolean;
  } | null;
  /**
   * §8: every other scorer's status (FIRM_REJECT included), null where it did not score the
   * note; a topic note has no Core figures (Core leaves it to CoreWithTopics).
   */
  readonly scorers: {
    readonly core: string | null;
    readonly coreWithTopics: string | null;
    readonly coreWithTopicsIntercept: number | null;
    readonly expansion: string | null;
    readonly expansionPlus: string | null;
    readonly gaussianCoreWithTopics: string | null;
  };
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
  const { final, prescoring, scorers } = result;
  // A topic note has no Core fit (Core leaves it to CoreWithTopics): its final-round ratings and
  // their sides are that fit's.
  const topicNote = scorers.core.scored[note] === 0 && scorers.coreWithTopics.scored[note] === 1;
  const ratedFit = topicNote ? scorers.coreWithTopics.final : final;
  const sides = sideCountsOf(ratedFit.sides, note);
  const status = result.status[note] as NoteStatus;
  const meta = result.metaDecidedBy[note] as MetaRule;
  const coreDecidedBy = RULE_NAMES[result.decidedBy[note] as RuleId];
  const tag = (t: number): string | null => (t >= 0 ? TAG_NAMES[t] : null);
  const incorrect = result.safeguards?.incorrect;
  const topicIndex = scorers.topics.noteTopic[note];
  const statusOf = (scorer: ScorerStatuses): string | null =>
    scorer.scored[note] === 1 ? NOTE_STATUS_NAMES[scorer.status[note] as NoteStatus] : null;
  return {
    noteId: result.input.noteIds[note],
    status: NOTE_STATUS_NAMES[result.finalStatus[note] as NoteStatus],
    preStabilizationStatus: NOTE_STATUS_NAMES[result.preStabilizationStatus[note] as NoteStatus],
    coreStatus: NOTE_STATUS_NAMES[status],
    decidedBy: DECIDING_MODELS.has(meta)
      ? coreDecidedBy
      : meta === MetaRule.CoreWithTopicsModel
        ? RULE_NAMES[scorers.coreWithTopics.decidedBy[note] as RuleId]
        : META_RULE_NAMES[meta],
    metaDecidedBy: META_RULE_NAMES[meta],
    decidingModel: META_RULE_NAMES[result.models.decidedBy[note] as MetaRule],
    gaussian: {
      status: NOTE_STATUS_NAMES[result.gaussian.status[note] as NoteStatus],
      decidedBy: RULE_NAMES[result.gaussian.decidedBy[note] as RuleId],
      intercept: orNull(result.gaussian.intercept[note]),
      interceptNoHighVol: orNull(result.gaussian.interceptNoHighVol[note]),
      interceptNoCorrelated: orNull(result.gaussian.interceptNoCorrelated[note]),
    },
    topic: topicIndex >= 0 ? scorers.topics.topics[topicIndex] : null,
    topicModel:
      scorers.topicModels?.scored[note] === 1
        ? {
            intercept: orNull(scorers.topicModels.intercept[note]),
            factor: orNull(scorers.topicModels.factor[note]),
            confident: scorers.topicModels.confident[note] === 1,
          }
        : null,
    scorers: {
      core: statusOf(scorers.core),
      coreWithTopics: statusOf(scorers.coreWithTopics),
      coreWithTopicsIntercept: orNull(scorers.coreWithTopics.final.intercept[note]),
      expansion: statusOf(scorers.expansion),
      expansionPlus: statusOf(scorers.expansionPlus),
      gaussianCoreWithTopics: statusOf(scorers.gaussianCoreWithTopics),
    },
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
    finalRoundRatings: ratedFit.finalRatings[note],
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
