/**
 * The moderation vocabulary of libs/protocol (`MODERATION_ACTIONS`, `MODERATION_REASONS`), copied
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
