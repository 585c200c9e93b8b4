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

function isGeneralCrh(f: NoteFacts): boolean {
  return (
    f.misleading && f.numRatings >= MIN_RATINGS_PER_NOTE && f.intercept >= CRH_INTERCEPT_THRESHOLD
  );
}

function isGeneralCrnh(f: NoteFacts): boolean {
  return (
    f.numRatings >= MIN_RATINGS_PER_NOTE &&
    f.intercept <= CRNH_INTERCEPT_THRESHOLD + CRNH_FACTOR_MULTIPLIER * Math.abs(f.factor)
  );
}

function isNotMisleadingCrnh(f: NoteFacts): boolean {
  return !f.misleading && f.intercept < NOT_MISLEADING_CRNH_THRESHOLD;
}

/**
 * §5.1 step 3: the provisional statuses of prescoring's first round (InitialNMR → GeneralCRH →
 * GeneralCRNH → NmCRNH); the pseudo-rater, ratio and filter rules are inactive in this round.
 */
export function provisionalStatus(f: NoteFacts): NoteStatus {
  let status = NoteStatus.NeedsMoreRatings;
  if (isGeneralCrh(f)) status = NoteStatus.CurrentlyRatedHelpful;
  if (isGeneralCrnh(f)) status = NoteStatus.CurrentlyRatedNotHelpful;
  if (isNotMisleadingCrnh(f)) status = NoteStatus.CurrentlyRatedNotHelpful;
  return status;
}

/**
 * §5.3: the Core scorer's final-round rules in the reference's order; a later rule overwrites an
 * earlier one. Comparisons with NaN are false, so an unfitted note stays NEEDS_MORE_RATINGS.
 */
export function finalStatus(f: NoteFacts, sides: SideCounts): RuleOutcome {
  const outcome: RuleOutcome = {
    status: NoteStatus.NeedsMoreRatings,
    decidedBy: RuleId.InitialNMR,
    activeRules: 1 << RuleId.InitialNMR,
  };
  const apply = (rule: RuleId, status: NoteStatus): void => {
    outcome.status = status;
    outcome.decidedBy = rule;
    outcome.activeRules |= 1 << rule;
  };
  const enough = f.numRatings >= MIN_RATINGS_PER_NOTE;
  if (isGeneralCrh(f)) apply(RuleId.GeneralCRH, NoteStatus.CurrentlyRatedHelpful);
  if (isGeneralCrnh(f)) apply(RuleId.GeneralCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (enough && f.interceptMax < UCB_CRNH_THRESHOLD) {
    apply(RuleId.UcbCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  }
  if (enough && isRatioCrnh(sides)) apply(RuleId.RatioCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (isNotMisleadingCrnh(f)) apply(RuleId.NmCRNH, NoteStatus.CurrentlyRatedNotHelpful);
  if (
    outcome.status !== NoteStatus.CurrentlyRatedHelpful &&
    f.previouslyHelpful &&
    f.misleading &&
    enough &&
    f.intercept >= CRH_INTERCEPT_THRESHOLD - CRH_INERTIA_DELTA
  ) {
    apply(RuleId.GeneralCRHInertia, NoteStatus.CurrentlyRatedHelpful);
  }
  // Rules 8–10: a note a safeguard distrusts may not become helpful through any later model.
  if (outcome.status !== NoteStatus.CurrentlyRatedNotHelpful && f.tagOutlier) {
    apply(RuleId.TagFilter, NoteStatus.FirmReject);
  }
  if (outcome.status !== NoteStatus.CurrentlyRatedNotHelpful && f.incorrectOutlier) {
    apply(RuleId.FilterIncorrect, NoteStatus.FirmReject);
  }
  if (
    outcome.status !== NoteStatus.CurrentlyRatedNotHelpful &&
    (f.lowDiligenceIntercept ?? NaN) > LOW_DILIGENCE_THRESHOLD
  ) {
    apply(RuleId.LowDiligence, NoteStatus.FirmReject);
  }
  if (
    outcome.status === NoteStatus.CurrentlyRatedHelpful &&
    Math.abs(f.factor) > MAX_CRH_FACTOR_MAGNITUDE
  ) {
    apply(RuleId.FilterLargeFactor, NoteStatus.FirmReject);
  }
  if (
    outcome.status !== NoteStatus.CurrentlyRatedNotHelpful &&
    f.intercept < FIRM_REJECT_INTERCEPT_THRESHOLD
  ) {
    apply(RuleId.RejectLowIntercept, NoteStatus.FirmReject);
  }
  if (outcome.status === NoteStatus.CurrentlyRatedHelpful) {
    const net = sides.netMinHelpful;
    if (net < MIN_NET_HELPFUL_PER_SIDE) {
      apply(RuleId.MinMinorityRaters, NoteStatus.NeedsYourHelp);
    } else if (
      net < RATER_BALANCE_NET_HELPFUL_CEILING &&
      sides.netMinHelpfulRatio < RATER_BALANCE_MIN_RATIO
    ) {
      apply(RuleId.RaterBalance, NoteStatus.NeedsYourHelp);
    }
  }
  // Rules 15–16: CRH must not hinge on high-volume or correlated raters.
  if (
    outcome.status === NoteStatus.CurrentlyRatedHelpful &&
    (f.interceptNoHighVol ?? NaN) < NO_HIGH_VOLUME_MIN_INTERCEPT
  ) {
    apply(RuleId.NoHighVolIntercept, NoteStatus.NeedsYourHelp);
  }
  if (
    outcome.status === NoteStatus.CurrentlyRatedHelpful &&
    (f.interceptNoCorrelated ?? NaN) < NO_CORRELATED_MIN_INTERCEPT
  ) {
    apply(RuleId.NoCorrelatedIntercept, NoteStatus.NeedsYourHelp);
  }
  return outcome;
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
