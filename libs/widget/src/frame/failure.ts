// What a member reads when an action fails: a sentence of the frame's language for each refusal
// the widget can meet (the API's codes, the prover's, the network), always with the code for
// whoever helps them. The API's English message is shown only for a refusal the widget has no
// sentence for (a rule its forms do not check, a newer API's code), quoted in a sentence of the
// frame's language: it says what to change, where "try again later" would mislead. The worker's
// messages are never shown.
import { sealWaitKey } from '../shared/seal-wait-key';
import { RequestError } from './api';
import type { ActionFeedback } from './feedback';
import { isOne, StringKey, t } from './i18n';

/** The refusals of joining and acting, by code. */
const FAILURES: Record<string, StringKey> = {
  NETWORK: 'failNetwork',
  BACKUP_INVALID: 'backupInvalid',
  NOT_IN_GROUP: 'failNotInGroup',
  MEMBERSHIP_ENDED: 'failMembershipEnded',
  ADMISSION_CLOSED: 'closed',
  INVITE_REQUIRED: 'failInviteRequired',
  INVITE_INVALID: 'failInviteInvalid',
  INVITE_USED: 'failInviteUsed',
  INVITE_EXPIRED: 'failInviteExpired',
  INVITE_JOINS_DAILY_LIMIT: 'failInviteJoinsToday',
  JOIN_WORK_EXPIRED: 'failTryAgain',
  JOIN_WORK_INVALID: 'failTryAgain',
  EARN_IN_REQUIRED: 'failEarnIn',
  WRITING_LOCKED: 'failWritingLocked',
  RATING_OUTDATED: 'failRatingOutdated',
  DAILY_QUOTA_EXCEEDED: 'failDailyQuota',
  RATE_LIMITED: 'failRateLimited',
  TOO_MANY_REQUESTS: 'failRateLimited',
  PROOF_WITHDRAWN: 'failRateLimited',
  PSEUDONYM_BLOCKED: 'failBlocked',
  PROOF_ROOT_EXPIRED: 'failTryAgain',
  PROOF_ROOT_UNKNOWN: 'failTryAgain',
  PROOF_STALE: 'failTryAgain',
  // The group is below the instance's minimum anonymity set: no proof is accepted until it grows.
  PROOF_ROOT_TOO_SMALL: 'failTooFewMembers',
  PROOF_VERIFIER_BUSY: 'failServer',
  PROOF_VERIFIER_UNAVAILABLE: 'failServer',
  // The prover's own: its downloads, its pinned circuit, or the worker itself.
  GROUP_UNAVAILABLE: 'failGroupUnavailable',
  CIRCUIT_UNAVAILABLE: 'failCircuitUnavailable',
  CIRCUIT_MISMATCH: 'failCircuitMismatch',
  PROVER: 'failProver',
  NOTE_DELETED: 'failNoteDeleted',
  // A note moderators hid since (or never here): rating it, or resending it, ends here.
  NOTE_NOT_FOUND: 'failNoteNotShown',
  SELF_RATING: 'wroteThis',
  MIRROR_READ_ONLY: 'failMirror',
  GROUP_FULL: 'failGroupFull',
  // The community asks joins for work since the page was loaded without it.
  JOIN_WORK_REQUIRED: 'failReload',
  PANEL_HIDDEN: 'failPanelHidden',
  NOT_CONFIRMED: 'failNotConfirmed',
  // The community was removed or renamed since the page was loaded.
  COMMUNITY_NOT_FOUND: 'failCommunityGone',
  // A proof the API does not take as made: a widget of another version than the service's.
  PROOF_MALFORMED: 'failProofRefused',
  PROOF_DEPTH: 'failProofRefused',
  PROOF_SCOPE: 'failProofRefused',
  PROOF_MESSAGE: 'failProofRefused',
  PROOF_INVALID: 'failProofRefused',
};

/** The longest API message quoted (a refused source list can be long). */
const QUOTED_LENGTH = 300;

/**
 * The API's message of a refusal (a 4xx answer), quoted as said, shortened past `QUOTED_LENGTH`;
 * undefined for a failure on the device or the network, a 5xx, or an answer without one.
 */
function apiMessage({ status, message }: Refusal): string | undefined {
  if (status === undefined || status < 400 || status >= 500 || typeof message !== 'string') {
    return undefined;
  }
  const said = message.trim();
  if (said === '') return undefined;
  return said.length > QUOTED_LENGTH ? `${said.slice(0, QUOTED_LENGTH - 1)}…` : said;
}

const number = (value: unknown): number | string => (typeof value === 'number' ? value : '?');

/** The code of a failure: the API's or the prover's, else ERROR. */
export const failureCode = (error: unknown): string =>
  error instanceof RequestError ? error.code : 'ERROR';

/**
 * The member's sentence for `error`, with its code: `own` first (a view's refusals of its own),
 * then the shared ones, then by HTTP status (429, 5xx), else the generic one.
 */
export const failureText = (error: unknown, own: Record<string, StringKey> = {}): string =>
  refusalText(error instanceof RequestError ? error : { code: failureCode(error) }, own);

/** A refusal by its code, HTTP status and details: the widget's RequestError, the extension's. */
export interface Refusal {
  code: string;
  status?: number;
  details?: unknown;
  /** The API's message, said only where the widget has no sentence for the code. */
  message?: string;
}

/** `failureText` of a refusal (the extension says its instances' refusals with it). */
export function refusalText(refusal: Refusal, own: Record<string, StringKey> = {}): string {
  const { code, status } = refusal;
  const details = refusal.details as
    | {
        required?: unknown;
        members?: unknown;
        ratingImpact?: unknown;
        replaceableFrom?: unknown;
        retryAfter?: unknown;
        sealHours?: unknown;
      }
    | undefined;
  const limited = status === 429 || code === 'RATE_LIMITED';
  const quoted = apiMessage(refusal);
  // Rate limited, with the service's Retry-After: the wait it asked for, in seconds.
  const wait = details?.retryAfter;
  // Refused before the seal (NOT_SEALED): worded by the seal wait the prover was given, so that
  // no time is promised where the instance keeps none (prover/not-sealed.ts); anything else
  // there counts as unsaid.
  const sealHours =
    details?.sealHours === null || typeof details?.sealHours === 'number'
      ? details.sealHours
      : undefined;
  const key =
    own[code] ??
    (code === 'NOT_SEALED' ? sealWaitKey('failNotSealed', sealHours) : undefined) ??
    (limited && typeof wait === 'number'
      ? isOne(wait)
        ? 'failRateLimitedWaitOne'
        : 'failRateLimitedWait'
      : undefined) ??
    FAILURES[code] ??
    (limited
      ? 'failRateLimited'
      : status && status >= 500
        ? 'failServer'
        : quoted !== undefined
          ? 'failRefused'
          : 'failGeneric');
  const message = t(key, {
    required: number(details?.required),
    members: number(details?.members),
    impact: number(details?.ratingImpact),
    from: typeof details?.replaceableFrom === 'string' ? details.replaceableFrom : '?',
    reason: t('backupReasonUnknown'),
    seconds: number(details?.retryAfter),
    hours: sealHours ?? '',
    message: quoted ?? '',
  });
  return t('withCode', { message, code });
}

/**
 * Says `error` under the action's button, to the member only: the host page is not told (the
 * code of a refusal, a blocked pseudonym or a locked writer, would name the member's pseudonym
 * beside the public moderation log; docs/threat-model.md).
 */
export function reportFailure(feedback: ActionFeedback, error: unknown): void {
  feedback.failed(failureText(error));
}
