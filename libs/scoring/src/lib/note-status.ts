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
 * rule's bit in an active-rules mask. The safeguards of rules 8–10 and 15–16 (tag, incorrect and
 * low-diligence filters, high-volume and correlated-rater intercepts) belong to a later issue.
 */
export enum RuleId {
  InitialNMR = 0,
  GeneralCRH = 1,
  GeneralCRNH = 2,
  UcbCRNH = 3,
  RatioCRNH = 4,
  NmCRNH = 5,
  GeneralCRHInertia = 6,
  FilterLargeFactor = 7,
  RejectLowIntercept = 8,
  MinMinorityRaters = 9,
  RaterBalance = 10,
}

export const RULE_NAMES: { readonly [R in RuleId]: string } = {
  [RuleId.InitialNMR]: 'InitialNMR',
  [RuleId.GeneralCRH]: 'GeneralCRH',
  [RuleId.GeneralCRNH]: 'GeneralCRNH',
  [RuleId.UcbCRNH]: 'UcbCRNH',
  [RuleId.RatioCRNH]: 'RatioCRNH',
  [RuleId.NmCRNH]: 'NmCRNH',
  [RuleId.GeneralCRHInertia]: 'GeneralCRHInertia',
  [RuleId.FilterLargeFactor]: 'FilterLargeFactor',
  [RuleId.RejectLowIntercept]: 'RejectLowIntercept',
  [RuleId.MinMinorityRaters]: 'MinMinorityRaters',
  [RuleId.RaterBalance]: 'RaterBalance',
};

/** Names of the rules set in an active-rules mask, in rule order. */
export function activeRuleNames(mask: number): string[] {
  const names: string[] = [];
  for (let rule = RuleId.InitialNMR; rule <= RuleId.RaterBalance; rule++) {
    if (mask & (1 << rule)) names.push(RULE_NAMES[rule as RuleId]);
  }
  return names;
}
