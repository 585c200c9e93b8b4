/**
 * Every string the frame shows, in one place for translation. `{name}` marks a value filled in
 * at run time (as text, never as markup).
 */
export const STRINGS = {
  heading: 'Community notes',
  loading: 'Loading notes…',
  loadFailed: 'Notes could not be loaded. Try again later.',
  noHelpful: 'No note on this post has been rated helpful yet.',
  whyShown: 'Rated helpful by people who usually disagree',
  sideShare: '{share}% of {count} raters on one side, {other}% of {otherCount} on the other',
  sources: 'Sources',
  misleading: 'Readers added context',
  notMisleading: 'Readers say this is not misleading',
  helpRate: 'Help rate notes ({count})',
  hideRate: 'Hide notes that need ratings',
  needsRatings: 'These notes need more ratings before they can be shown.',
  noneToRate: 'No note on this post needs ratings now.',
  member: 'Member identity',
  memberIntro:
    'Rating and writing are anonymous: your identity stays in this frame, and each action carries a zero-knowledge proof that a member made it, not which one.',
  createIdentity: 'Create an identity',
  backup: 'Back up identity',
  backupHint: 'Keep this text somewhere safe; it is the only way to keep your pseudonym.',
  restore: 'Restore from a backup',
  restoreLabel: 'Identity backup',
  restoreButton: 'Restore',
  join: 'Join {community}',
  inviteLabel: 'Invite code',
  joined: 'You are a member of {community}.',
  closed: 'This community admits members by the operator only.',
  rateAs: 'Rate this note',
  helpful: 'Helpful',
  somewhat: 'Somewhat helpful',
  notHelpful: 'Not helpful',
  tags: 'What applies?',
  submitRating: 'Submit rating',
  proving: 'Making your proof in this browser…',
  rated: 'Rating saved. It counts at the next scoring run, usually within a few minutes.',
  requestCount: 'Members who asked for a note on this post: {count}',
  requestNote: 'Ask for a note on this post',
  requested: 'Request recorded. Writers see the posts members ask about most.',
  writeNote: 'Write a note',
  classification: 'This post is',
  reasons: 'Why?',
  noteText: 'Note (at most {limit} characters, a link counts as one)',
  noteSources: 'Sources, one link per line',
  submitNote: 'Publish note',
  noted:
    'Note published. It will be shown once raters from different perspectives find it helpful.',
  failed: 'That did not work: {message}',
} as const;

export type StringKey = keyof typeof STRINGS;

export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  return STRINGS[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** Community Notes' classification, reason and tag names, as readers read them. */
export const LABELS: Record<string, string> = {
  MISINFORMED_OR_POTENTIALLY_MISLEADING: 'Misleading or missing context',
  NOT_MISLEADING: 'Not misleading',
  FACTUAL_ERROR: 'Factual error',
  MANIPULATED_MEDIA: 'Manipulated media',
  OUTDATED_INFORMATION: 'Outdated information',
  MISSING_IMPORTANT_CONTEXT: 'Missing important context',
  UNVERIFIED_CLAIM_AS_FACT: 'Unverified claim as fact',
  SATIRE: 'Satire',
  OTHER: 'Other',
  FACTUALLY_CORRECT: 'Factually correct',
  OUTDATED_BUT_NOT_WHEN_WRITTEN: 'Outdated, but not when written',
  CLEARLY_SATIRE: 'Clearly satire',
  PERSONAL_OPINION: 'Personal opinion',
  CLEAR: 'Clear',
  GOOD_SOURCES: 'Good sources',
  ADDRESSES_CLAIM: 'Addresses the claim',
  IMPORTANT_CONTEXT: 'Important context',
  UNBIASED_LANGUAGE: 'Unbiased language',
  INFORMATIVE: 'Informative',
  EMPATHETIC: 'Empathetic',
  UNIQUE_CONTEXT: 'Unique context',
  INCORRECT: 'Incorrect',
  SOURCES_MISSING_OR_UNRELIABLE: 'Sources missing or unreliable',
  OPINION_SPECULATION: 'Opinion or speculation',
  MISSING_KEY_POINTS: 'Misses key points',
  OUTDATED: 'Outdated',
  HARD_TO_UNDERSTAND: 'Hard to understand',
  ARGUMENTATIVE_OR_BIASED: 'Argumentative or biased',
  OFF_TOPIC: 'Off topic',
  SPAM_HARASSMENT_OR_ABUSE: 'Spam, harassment or abuse',
  IRRELEVANT_SOURCES: 'Irrelevant sources',
  NOTE_NOT_NEEDED: 'Note not needed',
};

export const label = (name: string): string => LABELS[name] ?? name;
