import {
  CRH_INERTIA_DELTA,
  CRH_INTERCEPT_THRESHOLD,
  CRNH_FACTOR_MULTIPLIER,
  CRNH_INTERCEPT_THRESHOLD,
  FIRM_REJECT_INTERCEPT_THRESHOLD,
  LOW_DILIGENCE_THRESHOLD,
  MAX_CRH_FACTOR_MAGNITUDE,
  MIN_NET_HELPFUL_PER_SIDE,
  MIN_RATINGS_PER_NOTE,
  NO_CORRELATED_MIN_INTERCEPT,
  NO_HIGH_VOLUME_MIN_INTERCEPT,
  NOT_MISLEADING_CRNH_THRESHOLD,
  RATER_BALANCE_MIN_RATIO,
  RATER_BALANCE_NET_HELPFUL_CEILING,
  RATIO_CRNH_MAX_MEAN_OF_SIDES,
  RATIO_CRNH_MAX_SIDE_MEAN,
  RATIO_CRNH_MIN_RATERS_PER_SIDE,
  UCB_CRNH_THRESHOLD,
} from './constants';
import { NoteStatus, RuleId } from './note-status';
import type { SideCounts } from './side-counts';

/**
 * The thresholds that differ between scorers (§5.3 for Core; §8.9 for the Gaussian scorers,
 * which have no firm reject, no net-helpful minima, and their own intercept scale).
 */
export interface ScorerRules {
  readonly crhIntercept: number;
  readonly crnhIntercept: number;
  readonly crnhFactorMultiplier: number;
  readonly notMisleadingCrnhIntercept: number;
  readonly ucbCrnhIntercept: number;
  readonly maxCrhFactor: number;
  /** RejectLowIntercept's threshold; undefined: no firm reject, rules 8–11 give NMR instead. */
  readonly firmRejectIntercept: number | undefined;
  /** Rules 13–14 apply only when set. */
  readonly netHelpfulMinima: boolean;
  readonly noHighVolumeIntercept: number;
  readonly noCorrelatedIntercept: number;
}

export const CORE_RULES: ScorerRules = {
  crhIntercept: CRH_INTERCEPT_THRESHOLD,
  crnhIntercept: CRNH_INTERCEPT_THRESHOLD,
  crnhFactorMultiplier: CRNH_FACTOR_MULTIPLIER,
  notMisleadingCrnhIntercept: NOT_MISLEADING_CRNH_THRESHOLD,
  ucbCrnhIntercept: UCB_CRNH_THRESHOLD,
  maxCrhFactor: MAX_CRH_FACTOR_MAGNITUDE,
  firmRejectIntercept: FIRM_REJECT_INTERCEPT_THRESHOLD,
  netHelpfulMinima: true,
  noHighVolumeIntercept: NO_HIGH_VOLUME_MIN_INTERCEPT,
  noCorrelatedIntercept: NO_CORRELATED_MIN_INTERCEPT,
};

/**
 * §8.2: CoreWithTopics, Core's settings without the firm reject (the reference's output on
 * cn-small shows none: its safeguards give NMR). Pseudo-raters come with its scores.
 */
export const CORE_WITH_TOPICS_RULES: ScorerRules = {
  ...CORE_RULES,
  firmRejectIntercept: undefined,
};

/** §8.3: Expansion, Core's thresholds and firm reject; it has no pseudo-raters (no UcbCRNH). */
export const EXPANSION_RULES: ScorerRules = CORE_RULES;

/** §8.4: ExpansionPlus, no firm reject and no pseudo-raters. */
export const EXPANSION_PLUS_RULES: ScorerRules = { ...CORE_RULES, firmRejectIntercept: undefined };

/** §8.9: the Gaussian scorer's settings (its CRNH comes from the mirrored, negative score). */
export const GAUSSIAN_RULES: ScorerRules = {
  crhIntercept: 0.51,
  crnhIntercept: -0.5,
  crnhFactorMultiplier: 0,
  notMisleadingCrnhIntercept: -0.6,
  ucbCrnhIntercept: -0.5,
  maxCrhFactor: 1.0,
  firmRejectIntercept: undefined,
  netHelpfulMinima: false,
  noHighVolumeIntercept: 0.45,
  noCorrelatedIntercept: 0.45,
};

/** What the rules read about one note. Intercepts are NaN when the note was not fitted. */
export interface NoteFacts {
  numRatings: number;
  misleading: boolean;
  intercept: number;
  factor: number;
  /** Pseudo-rater upper bound of the intercept (§6); NaN in prescoring. */
  interceptMax: number;
  previouslyHelpful: boolean;
  /** §7.1 rule 8: some not-helpful tag is an outlier among nearby raters. */
  tagOutlier?: boolean;
  /** §7.2 rule 9: nearby raters call the note incorrect more than they usually do. */
  incorrectOutlier?: boolean;
  /** §7.3 rule 10: the low-diligence model's note intercept; NaN or absent = not checked. */
  lowDiligenceIntercept?: number;
  /** §5.2 (a) rule 15: the intercept without high-volume raters; NaN or absent = not checked. */
  interceptNoHighVol?: number;
  /** §5.2 (b) rule 16: the intercept without correlated raters. */
  interceptNoCorrelated?: number;
}

export interface RuleOutcome {
  status: NoteStatus;
  /** The last rule that set the status ("last writer wins"). */
  decidedBy: RuleId;
  /** Bit `1 << rule` for every rule whose condition held. */
  activeRules: number;
}

function isGeneralCrh(f: NoteFacts, r: ScorerRules): boolean {
  return f.misleading && f.numRatings >= MIN_RATINGS_PER_NOTE && f.intercept >= r.crhIntercept;
}

function isGeneralCrnh(f: NoteFacts, r: ScorerRules): boolean {
  return (
    f.numRatings >= MIN_RATINGS_PER_NOTE &&
    f.intercept <= r.crnhIntercept + r.crnhFactorMultiplier * Math.abs(f.factor)
  );
}

function isNotMisleadingCrnh(f: NoteFacts, r: ScorerRules): boolean {
  return !f.misleading && f.intercept < r.notMisleadingCrnhIntercept;
}

/**
 * §5.1 step 3: the provisional statuses of prescoring's first round (InitialNMR → GeneralCRH →
 * GeneralCRNH → NmCRNH); the pseudo-rater, ratio and filter rules are inactive in this round.
 */
export function provisionalStatus(f: NoteFacts): NoteStatus {
  let status = NoteStatus.NeedsMoreRatings;
  if (isGeneralCrh(f, CORE_RULES)) status = NoteStatus.CurrentlyRatedHelpful;
  if (isGeneralCrnh(f, CORE_RULES)) status = NoteStatus.CurrentlyRatedNotHelpful;
  if (isNotMisleadingCrnh(f, CORE_RULES)) status = NoteStatus.CurrentlyRatedNotHelpful;
  return status;
}

/**
 * §5.3: a scorer's final-round rules in the reference's order (Core's by default); a later rule
 * overwrites an earlier one. Comparisons with NaN are false, so an unfitted note stays
 * NEEDS_MORE_RATINGS.
 */
export function finalStatus(
  f: NoteFacts,
  sides: SideCounts,
  r: ScorerRules = CORE_RULES,
): RuleOutcome {
  const outcome: RuleOutcome = {
    status: NoteStatus.NeedsMoreRatings,
    decidedBy: RuleId.InitialNMR,
    activeRules: 1 << RuleId.InitialNMR,
  };
  const enough = f.numRatings >= MIN_RATINGS_PER_NOTE;
  // Rules 8–11 give FIRM_REJECT in scorers with a firm-reject threshold, NMR in the others.
  const reject =
    r.firmRejectIntercept === undefined ? NoteStatus.NeedsMoreRatings : NoteStatus.FirmReject;
  if (isGeneralCrh(f, r)) apply(outcome, RuleId.GeneralCRH, NoteStatus.CurrentlyRatedHelpful);
  if (isGeneralCrnh(f, r)) apply(outcome, RuleId.GeneralCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (enough && f.interceptMax < r.ucbCrnhIntercept) {
    apply(outcome, RuleId.UcbCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  }
  if (enough && isRatioCrnh(sides))
    apply(outcome, RuleId.RatioCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (isNotMisleadingCrnh(f, r)) apply(outcome, RuleId.NmCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (
    outcome.status !== NoteStatus.CurrentlyRatedHelpful &&
    f.previouslyHelpful &&
    f.misleading &&
    enough &&
    f.intercept >= r.crhIntercept - CRH_INERTIA_DELTA
  ) {
    apply(outcome, RuleId.GeneralCRHInertia, NoteStatus.CurrentlyRatedHelpful);
  }
  // Rules 8–10: a note a safeguard distrusts may not become helpful through any later model.
  if (outcome.status !== NoteStatus.CurrentlyRatedNotHelpful && f.tagOutlier) {
    apply(outcome, RuleId.TagFilter, reject);
  }
  if (outcome.status !== NoteStatus.CurrentlyRatedNotHelpful && f.incorrectOutlier) {
    apply(outcome, RuleId.FilterIncorrect, reject);
  }
  if (
    outcome.status !== NoteStatus.CurrentlyRatedNotHelpful &&
    (f.lowDiligenceIntercept ?? NaN) > LOW_DILIGENCE_THRESHOLD
  ) {
    apply(outcome, RuleId.LowDiligence, reject);
  }
  if (outcome.status === NoteStatus.CurrentlyRatedHelpful && Math.abs(f.factor) > r.maxCrhFactor) {
    apply(outcome, RuleId.FilterLargeFactor, reject);
  }
  if (
    r.firmRejectIntercept !== undefined &&
    outcome.status !== NoteStatus.CurrentlyRatedNotHelpful &&
    f.intercept < r.firmRejectIntercept
  ) {
    apply(outcome, RuleId.RejectLowIntercept, NoteStatus.FirmReject);
  }
  if (r.netHelpfulMinima && outcome.status === NoteStatus.CurrentlyRatedHelpful) {
    const net = sides.netMinHelpful;
    if (net < MIN_NET_HELPFUL_PER_SIDE) {
      apply(outcome, RuleId.MinMinorityRaters, NoteStatus.NeedsYourHelp);
    } else if (
      net < RATER_BALANCE_NET_HELPFUL_CEILING &&
      sides.netMinHelpfulRatio < RATER_BALANCE_MIN_RATIO
    ) {
      apply(outcome, RuleId.RaterBalance, NoteStatus.NeedsYourHelp);
    }
  }
  // Rules 15–16: CRH must not hinge on high-volume or correlated raters.
  if (
    outcome.status === NoteStatus.CurrentlyRatedHelpful &&
    (f.interceptNoHighVol ?? NaN) < r.noHighVolumeIntercept
  ) {
    apply(outcome, RuleId.NoHighVolIntercept, NoteStatus.NeedsYourHelp);
  }
  if (
    outcome.status === NoteStatus.CurrentlyRatedHelpful &&
    (f.interceptNoCorrelated ?? NaN) < r.noCorrelatedIntercept
  ) {
    apply(outcome, RuleId.NoCorrelatedIntercept, NoteStatus.NeedsYourHelp);
  }
  return outcome;
}

/** Rule `rule` held: it sets the status (a later rule overwrites it). */
function apply(outcome: RuleOutcome, rule: RuleId, status: NoteStatus): void {
  outcome.status = status;
  outcome.decidedBy = rule;
  outcome.activeRules |= 1 << rule;
}

/**
 * §5.3 rule 5: at least three raters on each factor side, each side's mean helpfulness ≤ 0.4 and
 * the mean of the two sides ≤ 0.3.
 */
function isRatioCrnh(sides: SideCounts): boolean {
  if (
    sides.negative.raters < RATIO_CRNH_MIN_RATERS_PER_SIDE ||
    sides.positive.raters < RATIO_CRNH_MIN_RATERS_PER_SIDE
  ) {
    return false;
  }
  const negativeMean = sides.negative.helpfulnessSum / sides.negative.raters;
  const positiveMean = sides.positive.helpfulnessSum / sides.positive.raters;
  return (
    negativeMean <= RATIO_CRNH_MAX_SIDE_MEAN &&
    positiveMean <= RATIO_CRNH_MAX_SIDE_MEAN &&
    (negativeMean + positiveMean) / 2 <= RATIO_CRNH_MAX_MEAN_OF_SIDES
  );
}
