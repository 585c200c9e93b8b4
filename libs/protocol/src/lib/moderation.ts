import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

import { canonicalJson } from './canonical-json';

/** Why a member reports a note (action `note.report`); OTHER needs a text. */
export const REPORT_REASONS = ['PERSONAL_DATA', 'ILLEGAL', 'SPAM', 'HARASSMENT', 'OTHER'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** What a moderator does. docs/moderation.md says what each one changes. */
export const MODERATION_ACTIONS = [
  'HIDE',
  'RESTORE',
  'REDACT',
  'BLOCK',
  'UNBLOCK',
  'DISMISS',
] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The actions on a note (target `note:<id>`); the others target `pseudonym:<nullifier>`. */
export const NOTE_ACTIONS: readonly ModerationAction[] = ['HIDE', 'RESTORE', 'REDACT', 'DISMISS'];

/**
 * The one reason a DISMISS gives: the moderator reviewed the reports and found the note harmless.
 * A report reason would say the opposite, in public.
 */
export const DISMISS_REASON: ModerationReason = 'REVIEWED';

/**
 * The reason a moderation action gives, public in the log: the report reasons, and REVIEWED for
 * undoing an action after a review (a restore, an unblock). Codes only: free text could carry the
 * very personal data a redaction removes.
 */
export const MODERATION_REASONS = [...REPORT_REASONS, 'REVIEWED'] as const;
export type ModerationReason = (typeof MODERATION_REASONS)[number];

/**
 * The actions that follow a review: a restore or an unblock undoes an action, a DISMISS finds the
 * reports unfounded. Their reason is REVIEWED alone; the other actions act on what was reported
 * and give a report reason, never REVIEWED (which would say, in public, that nothing was wrong).
 * The API holds its moderators' actions to this; a mirror copies its origin's log as it is.
 */
export const REVIEW_ACTIONS: readonly ModerationAction[] = ['RESTORE', 'UNBLOCK', 'DISMISS'];

/** The reasons that fit an action (`REVIEW_ACTIONS`). */
export const reasonsFor = (action: ModerationAction): readonly ModerationReason[] =>
  REVIEW_ACTIONS.includes(action) ? [DISMISS_REASON] : REPORT_REASONS;

/** The key id the log names for the operator's own key. */
export const OPERATOR_MODERATOR = 'operator';

/** The `previousHash` of a community's first log entry. */
export const MODERATION_GENESIS = '0'.repeat(64);

const LOG_DOMAIN = 'bridgenotes/moderation-log/1';

/** One entry of a community's public moderation log, as served, exported and mirrored. */
export interface ModerationLogEntry {
  /** 1, 2, 3…: the entry's place in the community's log. */
  seq: number;
  action: ModerationAction;
  /** `note:<id>` or `pseudonym:<nullifier>`. */
  target: string;
  reasonCode: ModerationReason;
  /** The moderator key's id, or `operator`. */
  moderatorKeyId: string;
  /** The UTC day (YYYY-MM-DD): coarse on purpose. */
  day: string;
  /**
   * For REDACT, the redacted note's proof message (decimal): with the note's proof it shows
   * which proven note was redacted, so its proof still verifies without its text. Else null.
   */
  message: string | null;
  previousHash: string;
  /** SHA-256 (hex) of the canonical JSON of the community id and every other field. */
  hash: string;
}

export type UnhashedEntry = Omit<ModerationLogEntry, 'hash'>;

export function moderationEntryHash(communityId: string, entry: UnhashedEntry): string {
  const { seq, action, target, reasonCode, moderatorKeyId, day, message, previousHash } = entry;
  const text = canonicalJson({
    domain: LOG_DOMAIN,
    community: communityId,
    seq,
    action,
    target,
    reasonCode,
    moderatorKeyId,
    day,
    message,
    previousHash,
  });
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The first thing wrong with a log read from its start (entries in `seq` order), or undefined
 * when every entry follows the previous one and hashes to its `hash`: an entry removed,
 * reordered or rewritten breaks the chain from there on.
 */
export function checkModerationChain(
  communityId: string,
  entries: readonly ModerationLogEntry[],
): { seq: number; problem: string } | undefined {
  let previous = MODERATION_GENESIS;
  for (const [index, entry] of entries.entries()) {
    if (entry.seq !== index + 1) {
      return { seq: entry.seq, problem: `expected entry ${index + 1}, found ${entry.seq}` };
    }
    if (entry.previousHash !== previous) {
      return { seq: entry.seq, problem: 'previousHash is not the previous entry’s hash' };
    }
    const { hash, ...rest } = entry;
    if (moderationEntryHash(communityId, rest) !== hash) {
      return { seq: entry.seq, problem: 'hash does not match the entry' };
    }
    previous = hash;
  }
  return undefined;
}

/** Whether a target names a note (`note:<id>`), and which. */
export const noteTarget = (target: string): string | undefined =>
  target.startsWith('note:') ? target.slice('note:'.length) : undefined;

export const pseudonymTarget = (target: string): string | undefined =>
  target.startsWith('pseudonym:') ? target.slice('pseudonym:'.length) : undefined;
