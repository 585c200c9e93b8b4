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
 * §9 meta-scoring rules, as the reference names them in `decidedBy`: the scorer whose status
 * stands (`CoreModel`, `CoreWithTopicsModel` for topic notes, `ExpansionModel` /
 * `ExpansionPlusModel` where no higher-priority scorer scored the note, `GaussianModel` /
 * `GaussianCoreWithTopicsModel` where a Gaussian scorer moved a note left at NMR/NYH, or
 * `SmallCommunityModel` where the small-community regime decided the run), otherwise the
 * stability safeguard that replaced it. Values are stored; append only.
 */
export enum MetaRule {
  CoreModel = 0,
  NmrDueToMinStableCrhTime = 1,
  ScoringDriftGuard = 2,
  InsufficientExplanation = 3,
  GaussianModel = 4,
  /** Not in the reference: the opinion-group regime (issue 20), which decides a whole run. */
  SmallCommunityModel = 5,
  /** §8.2: decides topic notes, which Core leaves out. */
  CoreWithTopicsModel = 6,
  /** §8.3 and §8.4: decide notes no higher-priority scorer scored (e.g. unrated notes). */
  ExpansionModel = 7,
  ExpansionPlusModel = 8,
  /** §8.9: the Gaussian coverage model on every note, topic notes included. */
  GaussianCoreWithTopicsModel = 9,
  /**
   * §8.6 / §9 rule 6: a topic's own model, confident in a CRH or NYH note of its topic, found it
   * below the topic's bar or polarising along the topic's axis and sent it to NMR (the
   * reference's TopicModel01…05, one per topic).
   */
  TopicModel = 10,
}

export const META_RULE_NAMES: { readonly [R in MetaRule]: string } = {
  [MetaRule.CoreModel]: 'CoreModel',
  [MetaRule.NmrDueToMinStableCrhTime]: 'NmrDueToMinStableCrhTime',
  [MetaRule.ScoringDriftGuard]: 'ScoringDriftGuard',
  [MetaRule.InsufficientExplanation]: 'InsufficientExplanation',
  [MetaRule.GaussianModel]: 'GaussianModel',
  [MetaRule.SmallCommunityModel]: 'SmallCommunityModel',
  [MetaRule.CoreWithTopicsModel]: 'CoreWithTopicsModel',
  [MetaRule.ExpansionModel]: 'ExpansionModel',
  [MetaRule.ExpansionPlusModel]: 'ExpansionPlusModel',
  [MetaRule.GaussianCoreWithTopicsModel]: 'GaussianCoreWithTopicsModel',
  [MetaRule.TopicModel]: 'TopicModel',
};

/** Meta rules naming a scorer (as opposed to a stability rule that overrode one). */
export const SCORER_META_RULES: ReadonlySet<MetaRule> = new Set([
  MetaRule.CoreModel,
  MetaRule.GaussianModel,
  MetaRule.SmallCommunityModel,
  MetaRule.CoreWithTopicsModel,
  MetaRule.ExpansionModel,
  MetaRule.ExpansionPlusModel,
  MetaRule.GaussianCoreWithTopicsModel,
  MetaRule.TopicModel,
]);

/** Parses a reference status name; undefined for '' or an unknown name. */
export function parseStatus(name: string): NoteStatus | undefined {
  for (const [status, statusName] of Object.entries(NOTE_STATUS_NAMES)) {
    if (statusName === name) return Number(status) as NoteStatus;
  }
  return undefined;
}
