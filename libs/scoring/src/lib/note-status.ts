/**
 * Statuses a note can get from the Core scorer (§5.3). FIRM_REJECT is internal ("no model may
 * make this note helpful") and is exported as NEEDS_MORE_RATINGS.
 */
export enum NoteStatus {
  NeedsMoreRatings = 0,
  CurrentlyRatedHelpful = 1,
  CurrentlyRatedNotHelpful = 2,
  NeedsYourHelp = 3,
  FirmReject = 4,
}

/** The reference's spelling of each status, as written to `scored_notes.tsv`. */
export const NOTE_STATUS_NAMES: { readonly [S in NoteStatus]: string } = {
  [NoteStatus.NeedsMoreRatings]: 'NEEDS_MORE_RATINGS',
  [NoteStatus.CurrentlyRatedHelpful]: 'CURRENTLY_RATED_HELPFUL',
  [NoteStatus.CurrentlyRatedNotHelpful]: 'CURRENTLY_RATED_NOT_HELPFUL',
  [NoteStatus.NeedsYourHelp]: 'NEEDS_YOUR_HELP',
  [NoteStatus.FirmReject]: 'FIRM_REJECT',
};

/** The status a note shows: FIRM_REJECT is exported as NMR (§5.3). */
export function publicStatus(status: NoteStatus): NoteStatus {
  return status === NoteStatus.FirmReject ? NoteStatus.NeedsMoreRatings : status;
}

/**
 * The rules of §5.3 this library implements, in the reference's order; each value is also the
 * rule's bit in an active-rules mask.
 */
export enum RuleId {
  InitialNMR = 0,
  GeneralCRH = 1,
  GeneralCRNH = 2,
  UcbCRNH = 3,
  RatioCRNH = 4,
  NmCRNH = 5,
  GeneralCRHInertia = 6,
  TagFilter = 7,
  FilterIncorrect = 8,
  LowDiligence = 9,
  FilterLargeFactor = 10,
  RejectLowIntercept = 11,
  MinMinorityRaters = 12,
  RaterBalance = 13,
  NoHighVolIntercept = 14,
  NoCorrelatedIntercept = 15,
  /** The small-community regime's rules (`small-community/opinion-groups.ts`). */
  GroupsCRH = 16,
  GroupsCRNH = 17,
  GroupsNMR = 18,
}

export const RULE_NAMES: { readonly [R in RuleId]: string } = {
  [RuleId.InitialNMR]: 'InitialNMR',
  [RuleId.GeneralCRH]: 'GeneralCRH',
  [RuleId.GeneralCRNH]: 'GeneralCRNH',
  [RuleId.UcbCRNH]: 'UcbCRNH',
  [RuleId.RatioCRNH]: 'RatioCRNH',
  [RuleId.NmCRNH]: 'NmCRNH',
  [RuleId.GeneralCRHInertia]: 'GeneralCRHInertia',
  [RuleId.TagFilter]: 'TagFilter',
  [RuleId.FilterIncorrect]: 'FilterIncorrect',
  [RuleId.LowDiligence]: 'FilterLowDiligence',
  [RuleId.FilterLargeFactor]: 'FilterLargeFactor',
  [RuleId.RejectLowIntercept]: 'RejectLowIntercept',
  [RuleId.MinMinorityRaters]: 'MinMinorityRaters',
  [RuleId.RaterBalance]: 'RaterBalance',
  [RuleId.NoHighVolIntercept]: 'NoHighVolIntercept',
  [RuleId.NoCorrelatedIntercept]: 'NoCorrelatedIntercept',
  [RuleId.GroupsCRH]: 'OpinionGroupsCRH',
  [RuleId.GroupsCRNH]: 'OpinionGroupsCRNH',
  [RuleId.GroupsNMR]: 'OpinionGroupsNMR',
};

/** Names of the rules set in an active-rules mask, in rule order. */
export function activeRuleNames(mask: number): string[] {
  const names: string[] = [];
  for (let rule = RuleId.InitialNMR; rule <= RuleId.GroupsNMR; rule++) {
    if (mask & (1 << rule)) names.push(RULE_NAMES[rule as RuleId]);
  }
  return names;
}

/**
 * §9 meta-scoring rules, as the reference names them in `decidedBy`: the model whose status
 * stands (`CoreModel`, or `GaussianModel` where the Gaussian scorer moved a note Core left at
 * NMR/NYH, or `SmallCommunityModel` where the small-community regime decided the run), otherwise
 * the stability safeguard that replaced it. Values are stored; append only.
 */
export enum MetaRule {
  CoreModel = 0,
  NmrDueToMinStableCrhTime = 1,
  ScoringDriftGuard = 2,
  InsufficientExplanation = 3,
  GaussianModel = 4,
  /** Not in the reference: the opinion-group regime (issue 20), which decides a whole run. */
  SmallCommunityModel = 5,
}

export const META_RULE_NAMES: { readonly [R in MetaRule]: string } = {
  [MetaRule.CoreModel]: 'CoreModel',
  [MetaRule.NmrDueToMinStableCrhTime]: 'NmrDueToMinStableCrhTime',
  [MetaRule.ScoringDriftGuard]: 'ScoringDriftGuard',
  [MetaRule.InsufficientExplanation]: 'InsufficientExplanation',
  [MetaRule.GaussianModel]: 'GaussianModel',
  [MetaRule.SmallCommunityModel]: 'SmallCommunityModel',
};

/** Parses a reference status name; undefined for '' or an unknown name. */
export function parseStatus(name: string): NoteStatus | undefined {
  for (const [status, statusName] of Object.entries(NOTE_STATUS_NAMES)) {
    if (statusName === name) return Number(status) as NoteStatus;
  }
  return undefined;
}
