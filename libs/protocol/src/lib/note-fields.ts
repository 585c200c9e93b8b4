/** A note's fields as Community Notes has them (its public data uses these names). */
export const MISLEADING_REASONS = [
  'FACTUAL_ERROR',
  'MANIPULATED_MEDIA',
  'OUTDATED_INFORMATION',
  'MISSING_IMPORTANT_CONTEXT',
  'UNVERIFIED_CLAIM_AS_FACT',
  'SATIRE',
  'OTHER',
] as const;

export const NOT_MISLEADING_REASONS = [
  'FACTUALLY_CORRECT',
  'OUTDATED_BUT_NOT_WHEN_WRITTEN',
  'CLEARLY_SATIRE',
  'PERSONAL_OPINION',
  'OTHER',
] as const;

export const HELPFUL_TAGS = [
  'CLEAR',
  'GOOD_SOURCES',
  'ADDRESSES_CLAIM',
  'IMPORTANT_CONTEXT',
  'UNBIASED_LANGUAGE',
  'INFORMATIVE',
  'EMPATHETIC',
  'UNIQUE_CONTEXT',
  'OTHER',
] as const;

export const NOT_HELPFUL_TAGS = [
  'INCORRECT',
  'SOURCES_MISSING_OR_UNRELIABLE',
  'OPINION_SPECULATION',
  'MISSING_KEY_POINTS',
  'OUTDATED',
  'HARD_TO_UNDERSTAND',
  'ARGUMENTATIVE_OR_BIASED',
  'OFF_TOPIC',
  'SPAM_HARASSMENT_OR_ABUSE',
  'IRRELEVANT_SOURCES',
  'NOTE_NOT_NEEDED',
  'OTHER',
] as const;

export const NOTE_TEXT_LIMIT = 280;

const URL_IN_TEXT = /https?:\/\/\S+/gi;

/** A note's length as readers see it: characters (code points), each URL counting as one. */
export function noteTextLength(text: string): number {
  return [...text.replace(URL_IN_TEXT, '\u0000')].length;
}
