/**
 * §2.2: the 9 helpful and 13 not-helpful tags a rating can carry, in the reference's column
 * order. Each value is the tag's bit in a rating's tag mask (`ScoringInput.ratingTags`).
 */
export enum RatingTag {
  HelpfulOther = 0,
  HelpfulInformative = 1,
  HelpfulClear = 2,
  HelpfulEmpathetic = 3,
  HelpfulGoodSources = 4,
  HelpfulUniqueContext = 5,
  HelpfulAddressesClaim = 6,
  HelpfulImportantContext = 7,
  HelpfulUnbiasedLanguage = 8,
  NotHelpfulOther = 9,
  NotHelpfulIncorrect = 10,
  NotHelpfulSourcesMissingOrUnreliable = 11,
  NotHelpfulOpinionSpeculationOrBias = 12,
  NotHelpfulMissingKeyPoints = 13,
  NotHelpfulOutdated = 14,
  NotHelpfulHardToUnderstand = 15,
  NotHelpfulArgumentativeOrBiased = 16,
  NotHelpfulOffTopic = 17,
  NotHelpfulSpamHarassmentOrAbuse = 18,
  NotHelpfulIrrelevantSources = 19,
  NotHelpfulOpinionSpeculation = 20,
  NotHelpfulNoteNotNeeded = 21,
}

export const TAG_COUNT = 22;
export const FIRST_NOT_HELPFUL_TAG = RatingTag.NotHelpfulOther;

/** The reference's column name of each tag (`helpfulClear`, `notHelpfulIncorrect`, …). */
export const TAG_NAMES = [
  'helpfulOther',
  'helpfulInformative',
  'helpfulClear',
  'helpfulEmpathetic',
  'helpfulGoodSources',
  'helpfulUniqueContext',
  'helpfulAddressesClaim',
  'helpfulImportantContext',
  'helpfulUnbiasedLanguage',
  'notHelpfulOther',
  'notHelpfulIncorrect',
  'notHelpfulSourcesMissingOrUnreliable',
  'notHelpfulOpinionSpeculationOrBias',
  'notHelpfulMissingKeyPoints',
  'notHelpfulOutdated',
  'notHelpfulHardToUnderstand',
  'notHelpfulArgumentativeOrBiased',
  'notHelpfulOffTopic',
  'notHelpfulSpamHarassmentOrAbuse',
  'notHelpfulIrrelevantSources',
  'notHelpfulOpinionSpeculation',
  'notHelpfulNoteNotNeeded',
] as const;

/** A tag mask from a list of tags. */
export function tagMask(...tags: RatingTag[]): number {
  let mask = 0;
  for (const tag of tags) mask |= 1 << tag;
  return mask;
}

/** Bits of all 13 not-helpful tags. */
export const NOT_HELPFUL_TAGS_MASK = ((1 << TAG_COUNT) - 1) & ~((1 << FIRST_NOT_HELPFUL_TAG) - 1);

/**
 * §9 InsufficientExplanation tie-break orders: when two tags are used equally often, the one
 * earlier in these lists wins.
 */
export const HELPFUL_TAG_PRIORITY: readonly RatingTag[] = [
  RatingTag.HelpfulUnbiasedLanguage,
  RatingTag.HelpfulUniqueContext,
  RatingTag.HelpfulEmpathetic,
  RatingTag.HelpfulGoodSources,
  RatingTag.HelpfulAddressesClaim,
  RatingTag.HelpfulImportantContext,
  RatingTag.HelpfulClear,
  RatingTag.HelpfulInformative,
  RatingTag.HelpfulOther,
];

export const NOT_HELPFUL_TAG_PRIORITY: readonly RatingTag[] = [
  RatingTag.NotHelpfulOutdated,
  RatingTag.NotHelpfulSpamHarassmentOrAbuse,
  RatingTag.NotHelpfulHardToUnderstand,
  RatingTag.NotHelpfulOffTopic,
  RatingTag.NotHelpfulIncorrect,
  RatingTag.NotHelpfulArgumentativeOrBiased,
  RatingTag.NotHelpfulNoteNotNeeded,
  RatingTag.NotHelpfulMissingKeyPoints,
  RatingTag.NotHelpfulOpinionSpeculation,
  RatingTag.NotHelpfulSourcesMissingOrUnreliable,
  RatingTag.NotHelpfulOpinionSpeculationOrBias,
  RatingTag.NotHelpfulOther,
  // Not in the reference's order (it predates the tag); ranked last.
  RatingTag.NotHelpfulIrrelevantSources,
];
