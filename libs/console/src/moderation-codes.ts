/**
 * The moderation vocabulary of libs/protocol (`MODERATION_ACTIONS`, `MODERATION_REASONS`,
 * `REVIEW_ACTIONS` and `reasonsFor`), copied
 * so the page's bundle takes no code from a library that also hashes and proves; the budget test
 * holds the copies equal to the originals.
 */
export const MODERATION_ACTIONS = [
  'HIDE',
  'RESTORE',
  'REDACT',
  'BLOCK',
  'UNBLOCK',
  'DISMISS',
] as const;
export const MODERATION_REASONS = [
  'PERSONAL_DATA',
  'ILLEGAL',
  'SPAM',
  'HARASSMENT',
  'OTHER',
  'REVIEWED',
] as const;

/** The actions after a review, whose reason is REVIEWED alone; the others take a report reason. */
export const REVIEW_ACTIONS: readonly string[] = ['RESTORE', 'UNBLOCK', 'DISMISS'];

/** The reasons the API accepts for an action: the form offers only these. */
export const reasonsFor = (action: string): readonly string[] =>
  REVIEW_ACTIONS.includes(action)
    ? ['REVIEWED']
    : MODERATION_REASONS.filter((reason) => reason !== 'REVIEWED');
