// A catalogue, long by design: every code the API answers, declared once in one list so that
// a reader (and the OpenAPI document) sees them all side by side.
import { HttpStatus } from '@nestjs/common';
import { PROOF_FAILURES, TREE_DEPTH } from '@bridgenotes/protocol';

/**
 * An error the API can answer: its status and its default message, given the arguments the
 * message needs. `example` are arguments for the OpenAPI example of the error.
 */
export interface ErrorEntry<A extends unknown[] = never[]> {
  status: HttpStatus;
  message: (...args: A) => string;
  example: A;
}

function entry<A extends unknown[]>(
  status: HttpStatus,
  message: (...args: A) => string,
  ...example: A
): ErrorEntry<A> {
  return { status, message, example };
}

const proofFailure = (status: HttpStatus, code: keyof typeof PROOF_FAILURES) =>
  entry(status, () => PROOF_FAILURES[code]);

/**
 * Every error code the API answers, declared once. Clients switch on the code (it never changes
 * once published); messages may be reworded. Throw one with `ApiError.of(CODE, …args)`, or
 * `new ApiError(CODE, message)` where the situation needs its own words; document a route's
 * errors with `@ApiErrors(CODE, …)`. Kept in alphabetical order within each group.
 */
export const ERRORS = {
  // Generic answers, by status: what Nest's own exceptions and unknown routes carry.
  BAD_REQUEST: entry(HttpStatus.BAD_REQUEST, () => 'Bad request'),
  CONFLICT: entry(HttpStatus.CONFLICT, () => 'Conflict'),
  FORBIDDEN: entry(HttpStatus.FORBIDDEN, () => 'Forbidden'),
  INTERNAL_ERROR: entry(HttpStatus.INTERNAL_SERVER_ERROR, () => 'Internal server error'),
  METHOD_NOT_ALLOWED: entry(HttpStatus.METHOD_NOT_ALLOWED, () => 'Method not allowed'),
  NOT_FOUND: entry(HttpStatus.NOT_FOUND, (what: string) => what, 'No widget file app.js'),
  PRECONDITION_FAILED: entry(
    HttpStatus.PRECONDITION_FAILED,
    () => 'The file does not match If-Match, or changed since If-Unmodified-Since',
  ),
  RANGE_NOT_SATISFIABLE: entry(
    HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
    () => "The range asked for is not within the file: Content-Range gives the file's size",
  ),
  SERVICE_UNAVAILABLE: entry(HttpStatus.SERVICE_UNAVAILABLE, () => 'Service unavailable'),
  TOO_MANY_REQUESTS: entry(HttpStatus.TOO_MANY_REQUESTS, () => 'Too many requests'),
  UNAUTHORIZED: entry(HttpStatus.UNAUTHORIZED, () => 'Unauthorized'),
  UNPROCESSABLE_ENTITY: entry(HttpStatus.UNPROCESSABLE_ENTITY, () => 'Unprocessable entity'),
  UNSUPPORTED_MEDIA_TYPE: entry(HttpStatus.UNSUPPORTED_MEDIA_TYPE, () => 'Unsupported media type'),

  // The request itself: body parsers and DTO validation.
  CONTENT_LENGTH_MISMATCH: entry(
    HttpStatus.BAD_REQUEST,
    () => 'request size did not match content length',
  ),
  CORRUPT_BODY: entry(
    HttpStatus.BAD_REQUEST,
    () => 'The request body could not be decompressed (incorrect header check)',
  ),
  INVALID_VALUE: entry(
    HttpStatus.BAD_REQUEST,
    () => 'A value of the request is out of range or not valid where it is used',
  ),
  FORBIDDEN_CHARACTER: entry(
    HttpStatus.BAD_REQUEST,
    (where: string) => `${where} contains U+0000, which is not allowed in any text`,
    'query parameter externalId',
  ),
  JSON_TOO_DEEP: entry(HttpStatus.BAD_REQUEST, () => 'The JSON body is nested too deeply'),
  MALFORMED_JSON: entry(HttpStatus.BAD_REQUEST, () => 'The request body is not valid JSON'),
  PAYLOAD_TOO_LARGE: entry(HttpStatus.PAYLOAD_TOO_LARGE, () => 'request entity too large'),
  REQUEST_ABORTED: entry(HttpStatus.BAD_REQUEST, () => 'request aborted'),
  UNSUPPORTED_CHARSET: entry(
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    () => 'unsupported charset "LATIN-2"',
  ),
  UNSUPPORTED_ENCODING: entry(
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    () => 'unsupported content encoding "br"',
  ),
  VALIDATION_FAILED: entry(
    HttpStatus.BAD_REQUEST,
    (problems: string) => problems,
    'slug must be 1 to 64 lowercase letters, digits or inner dashes',
  ),
  CURSOR_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    () => 'cursor is not a nextCursor value from a previous page',
  ),
  ORDER_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (streams: string) => `only ${streams} can be read in change order`,
    'notes, ratings and requests',
  ),

  // The operator key.
  OPERATOR_DISABLED: entry(
    HttpStatus.FORBIDDEN,
    () => 'Operator endpoints are disabled: OPERATOR_API_KEY_SHA256 is not configured',
  ),
  OPERATOR_KEY_INVALID: entry(
    HttpStatus.UNAUTHORIZED,
    () => 'A valid operator key is required (Authorization: Bearer <key>)',
  ),

  // Moderation (docs/moderation.md): moderator keys, reports, actions, blocks.
  MODERATION_TARGET_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (action: string, needs: string) => `${action} needs ${needs}, and nothing else as its target`,
    'HIDE',
    'noteId',
  ),
  MODERATION_UNCHANGED: entry(
    HttpStatus.CONFLICT,
    (action: string, target: string) =>
      `${action} would change nothing on ${target}: nothing logged`,
    'HIDE',
    'note:0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e',
  ),
  MODERATOR_KEY_INVALID: entry(
    HttpStatus.UNAUTHORIZED,
    (slug: string) =>
      `A moderator key of community "${slug}" or the operator key is required (Authorization: Bearer <key>)`,
    'news',
  ),
  MODERATOR_KEY_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (keyId: string, slug: string) => `No moderator key ${keyId} in community "${slug}"`,
    '5f0c3c4e-0d4b-4f43-9a53-2f1f1c9b7a10',
    'news',
  ),
  PSEUDONYM_BLOCKED: entry(
    HttpStatus.FORBIDDEN,
    () =>
      "This pseudonym is blocked in this community by its moderators (see the community's moderation log): its writes are refused",
  ),
  PSEUDONYM_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (slug: string) =>
      `No note, rating, note request or report of this pseudonym in community "${slug}": nothing to block, nothing logged`,
    'news',
  ),
  REPORT_EXISTS: entry(
    HttpStatus.CONFLICT,
    (noteId: string) => `This pseudonym has already reported note ${noteId}`,
    '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e',
  ),
  REPORT_TEXT_REQUIRED: entry(
    HttpStatus.BAD_REQUEST,
    () => 'A report for the reason OTHER needs a text saying what is wrong',
  ),

  // Communities and mirrors.
  COMMUNITY_EXISTS: entry(
    HttpStatus.CONFLICT,
    (slug: string) => `A community with slug "${slug}" exists`,
    'news',
  ),
  COMMUNITY_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (slug: string) => `No community with slug "${slug}"`,
    'news',
  ),
  MIRROR_FOLLOWING: entry(
    HttpStatus.CONFLICT,
    () =>
      'This instance still follows the community: stop following first (DELETE /mirrors/{id}), then promote',
  ),
  MIRROR_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (id: string) => `No mirror ${id}`,
    '5f0c3c4e-0d4b-4f43-9a53-2f1f1c9b7a10',
  ),
  MIRROR_PROMOTED: entry(
    HttpStatus.CONFLICT,
    (slug: string) =>
      `"${slug}" was promoted: it is a community of this instance, no longer a mirror`,
    'news',
  ),
  MIRROR_PULL_INCOMPLETE: entry(
    HttpStatus.CONFLICT,
    () =>
      "The mirror's last pull did not run to its end (it stored pages of a newer state of the origin than it finished reading), or no pull ever did: follow again (POST /mirrors/{id}/follow, with the origin or a served saved export of it) until a pull finishes, stop, then promote",
  ),
  MIRROR_LOG_INCOMPLETE: entry(
    HttpStatus.CONFLICT,
    (missing: number, seq: number, noteId: string) =>
      `The mirror's moderation log names ${missing} note(s) it does not hold, the first in entry ${seq}: note ${noteId}. Its own export would not verify (REDACTION_NOT_APPLIED). Follow again until a pull takes them in (GET /mirrors/{id}/refusals says why the mirror refused a note), stop, then promote`,
    1,
    3,
    '0b7d3a6e-52a4-4b8e-9d64-2f1c1d3e4a5b',
  ),
  MIRROR_READ_ONLY: entry(
    HttpStatus.CONFLICT,
    (slug: string, originSlug: string, originUrl: string) =>
      `"${slug}" mirrors community "${originSlug}" of ${originUrl}: write there`,
    'news',
    'news',
    'https://notes.example.org',
  ),
  MIRROR_STOPPED: entry(HttpStatus.CONFLICT, () => 'This instance no longer follows the community'),
  ORIGIN_INVALID: entry(
    HttpStatus.BAD_GATEWAY,
    (problem: string) => `The origin's manifest cannot be followed: ${problem}`,
    'community.scope is not derived from community.id',
  ),
  ORIGIN_BEHIND: entry(
    HttpStatus.CONFLICT,
    (problem: string) =>
      `The community served there is older than what this mirror pulled: ${problem}`,
    'its changeHorizon 40 is below 52, under which this mirror already read changes',
  ),
  ORIGIN_LINEAGE_CHANGED: entry(
    HttpStatus.CONFLICT,
    (problem: string) =>
      `The community served there does not continue what this mirror pulled: ${problem}`,
    "it states the promotion on 2026-12-01T10:00:00.000Z at change batch 52, which this mirror's pulls never read",
  ),
  ORIGIN_UNREACHABLE: entry(
    HttpStatus.BAD_GATEWAY,
    (reason: string) => `The origin's export could not be read: ${reason}`,
    'fetch failed',
  ),

  // Membership.
  ADMISSION_CLOSED: entry(
    HttpStatus.FORBIDDEN,
    () => 'Only the operator adds members to this community',
  ),
  ALREADY_MEMBER: entry(
    HttpStatus.CONFLICT,
    () => 'This commitment has already joined the community',
  ),
  COMMITMENT_DUPLICATED: entry(HttpStatus.BAD_REQUEST, () => 'commitments must not repeat'),
  COMMITMENT_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    () => 'commitment must be a non-zero element of the BN254 scalar field',
  ),
  GROUP_FULL: entry(
    HttpStatus.CONFLICT,
    () => `A community holds at most ${2 ** TREE_DEPTH} members`,
  ),
  INVITE_DAILY_LIMIT: entry(
    HttpStatus.TOO_MANY_REQUESTS,
    (limit: number) =>
      `The members of this community have created the ${limit} invite codes allowed per day; more can be created from 00:00 UTC`,
    20,
  ),
  INVITE_EARN_IN_REQUIRED: entry(
    HttpStatus.FORBIDDEN,
    (required: number, ratingImpact: number) =>
      `This pseudonym may create invite codes once its rating impact reaches ${required} (it is ${ratingImpact}): vouching for a newcomer takes earned standing. Rate notes that need ratings: each rating that agrees with the status the note is later decided at counts +1. Impacts are updated at each scoring run.`,
    1,
    0,
  ),
  INVITE_EXPIRED: entry(HttpStatus.GONE, () => 'This invite code has expired'),
  INVITE_INVALID: entry(
    HttpStatus.FORBIDDEN,
    () => 'This invite code does not belong to this community',
  ),
  INVITE_JOINS_DAILY_LIMIT: entry(
    HttpStatus.TOO_MANY_REQUESTS,
    (limit: number) =>
      `Members' invite codes have admitted the ${limit} newcomers allowed per day in this community; try this code again from 00:00 UTC, while it is valid`,
    20,
  ),
  INVITE_ORDINAL_INVALID: entry(
    HttpStatus.CONFLICT,
    (used: number) =>
      `This pseudonym has created ${used} invite codes: prove n = ${used + 1} for the next one`,
    2,
  ),
  INVITE_QUOTA_DISABLED: entry(
    HttpStatus.FORBIDDEN,
    () => 'Members of this community do not create invite codes: ask its operator',
  ),
  INVITE_QUOTA_EXHAUSTED: entry(
    HttpStatus.CONFLICT,
    (quota: number) =>
      `Each member may create ${quota} invite codes in this community; this pseudonym has used them all`,
    3,
  ),
  INVITE_REQUIRED: entry(
    HttpStatus.BAD_REQUEST,
    () => 'This community admits members by invitation: inviteCode is required',
  ),
  INVITE_ROOT_BEFORE_REMOVAL: entry(
    HttpStatus.FORBIDDEN,
    () =>
      "A member was removed from this community after the proof's Merkle root: invite codes are created only over a root from after the latest removal. Fetch the group again and prove anew",
  ),
  INVITE_USED: entry(HttpStatus.CONFLICT, () => 'This invite code has already been used'),
  JOIN_WORK_EXPIRED: entry(
    HttpStatus.GONE,
    () =>
      'The proof-of-work challenge has expired: get a new one (GET …/join-work) and solve it again',
  ),
  JOIN_WORK_INVALID: entry(
    HttpStatus.FORBIDDEN,
    () =>
      "workNonce does not solve workChallenge for this commitment in this community at the community's difficulty (or the challenge is not this server's)",
  ),
  JOIN_WORK_REQUIRED: entry(
    HttpStatus.BAD_REQUEST,
    (difficulty: number) =>
      `This community asks joins for a proof-of-work of ${difficulty} bits: get a challenge (GET …/join-work), solve it and join with workChallenge and workNonce`,
    20,
  ),
  MEMBERSHIP_ENDED: entry(
    HttpStatus.CONFLICT,
    () =>
      "This commitment's membership ended: it was removed from the group or replaced, and cannot join again. Join with a new identity, or ask the community's operator",
  ),
  MEMBER_NOT_FOUND: entry(HttpStatus.NOT_FOUND, () => 'No current member with this commitment'),

  // CREDENTIAL admission: trusted issuers and the tickets they sign (docs/admission.md).
  ACCOUNT_ALREADY_MEMBER: entry(
    HttpStatus.CONFLICT,
    (days: number) =>
      `This account is already a member with another identity. Use that identity; if it is lost, join again with replaceLostIdentity: the old one is removed and the new one starts without standing (an account replaces an identity at most once every ${days} days)`,
    30,
  ),
  ACCOUNT_REMOVED: entry(
    HttpStatus.FORBIDDEN,
    () => "The operator removed this account's membership; it cannot join again",
  ),
  CREDENTIALS_UNCONFIGURED: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () =>
      'This instance has no CREDENTIAL_HASH_KEY: its operator must set one before members can join with tickets',
  ),
  IDENTITY_REPLACED_RECENTLY: entry(
    HttpStatus.CONFLICT,
    (days: number, from: string) =>
      `This account replaced a lost identity less than ${days} days ago: it may replace one again from ${from} (UTC). Until then, use the identity it has`,
    30,
    '2026-12-31',
  ),
  ISSUER_EXISTS: entry(
    HttpStatus.CONFLICT,
    (issuer: string) =>
      `This community already trusts issuer "${issuer}": remove it first to change its keys`,
    'https://forum.example',
  ),
  ISSUER_KEYS_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (problem: string) => problem,
    'jwks.keys[0] holds private or secret material: give public keys only',
  ),
  ISSUER_KEYS_UNAVAILABLE: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () => "The issuer's keys could not be fetched; try again later",
  ),
  ISSUER_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (id: string, slug: string) => `No issuer ${id} in community "${slug}"`,
    '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
    'news',
  ),
  TICKET_CLAIMS_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    () => 'The ticket needs a non-empty sub (the account) and jti (the ticket id), as strings',
  ),
  TICKET_EXPIRED: entry(
    HttpStatus.GONE,
    () => 'The ticket has expired: ask the host site for a new one',
  ),
  TICKET_FORGED: entry(
    HttpStatus.FORBIDDEN,
    (algorithms: string) =>
      `The ticket's signature does not check against the issuer's keys (accepted algorithms: ${algorithms})`,
    'RS256, ES256, EdDSA',
  ),
  TICKET_ISSUER_UNKNOWN: entry(
    HttpStatus.FORBIDDEN,
    () =>
      'The ticket was not issued by an issuer this community trusts: get one from its host site',
  ),
  TICKET_MALFORMED: entry(
    HttpStatus.BAD_REQUEST,
    () => 'ticket is not a signed JWT (three base64url parts)',
  ),
  TICKET_NOT_YET_VALID: entry(
    HttpStatus.FORBIDDEN,
    () => 'The ticket is not valid yet (nbf in the future)',
  ),
  TICKET_REPLAYED: entry(
    HttpStatus.CONFLICT,
    () => 'This ticket has already been used: ask the host site for a new one',
  ),
  TICKET_REQUIRED: entry(
    HttpStatus.BAD_REQUEST,
    () =>
      'This community admits members vouched for by its host site: sign in there and join with the ticket it gives (ticket)',
  ),
  TICKET_TOO_LONG_LIVED: entry(
    HttpStatus.BAD_REQUEST,
    (maxSeconds: number) =>
      `A ticket may live at most ${maxSeconds} s (exp - iat); ask the host site for a short-lived one`,
    3600,
  ),
  TICKET_WRONG_AUDIENCE: entry(
    HttpStatus.FORBIDDEN,
    () => "The ticket was issued for another audience: its aud must be this community's id",
  ),

  // Action proofs: the shared check of every write (libs/protocol's messages).
  PROOF_DEPTH: proofFailure(HttpStatus.BAD_REQUEST, 'PROOF_DEPTH'),
  PROOF_INVALID: proofFailure(HttpStatus.FORBIDDEN, 'PROOF_INVALID'),
  PROOF_MALFORMED: proofFailure(HttpStatus.BAD_REQUEST, 'PROOF_MALFORMED'),
  PROOF_MESSAGE: proofFailure(HttpStatus.BAD_REQUEST, 'PROOF_MESSAGE'),
  PROOF_ROOT_EXPIRED: proofFailure(HttpStatus.FORBIDDEN, 'PROOF_ROOT_EXPIRED'),
  PROOF_ROOT_UNKNOWN: proofFailure(HttpStatus.FORBIDDEN, 'PROOF_ROOT_UNKNOWN'),
  PROOF_ROOT_TOO_SMALL: entry(
    HttpStatus.FORBIDDEN,
    (required: number, members: number) =>
      `This community needs ${required} members before anyone can write, rate or invite here: a proof against a group of ${members} would hide its member among too few (the community's proofMinMembers). Fetch the group again once it has grown; details say where it stands`,
    20,
    1,
  ),
  PROOF_SCOPE: proofFailure(HttpStatus.BAD_REQUEST, 'PROOF_SCOPE'),
  PROOF_STALE: proofFailure(HttpStatus.BAD_REQUEST, 'PROOF_STALE'),
  PROOF_VERIFIER_BUSY: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () => 'Too many proofs are waiting to be verified; send the same request again shortly',
  ),
  PROOF_VERIFIER_UNAVAILABLE: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () =>
      'Proofs cannot be verified right now (the service is restarting); send the same request again',
  ),
  PROOF_WITHDRAWN: entry(
    HttpStatus.TOO_MANY_REQUESTS,
    () =>
      'Another proof from this client failed verification while this one waited, so it was ' +
      'not verified; send it again after Retry-After',
  ),

  // Limits: per client at the edge (429 with Retry-After), per pseudonym and day.
  DAILY_QUOTA_EXCEEDED: entry(
    HttpStatus.TOO_MANY_REQUESTS,
    (quota: number, what: string) =>
      `This pseudonym has written its ${quota} ${what} for today in this community; ` +
      'the quota starts again at 00:00 UTC',
    10,
    'notes',
  ),
  RATE_LIMITED: entry(
    HttpStatus.TOO_MANY_REQUESTS,
    (what: string, limit: number, window: number, retry: number) =>
      `Too many ${what} from this client: at most ${limit} every ${window} s; retry in ${retry} s`,
    'writes',
    60,
    60,
    12,
  ),

  // Notes, ratings, requests and posts.
  EARN_IN_REQUIRED: entry(
    HttpStatus.FORBIDDEN,
    (required: number, ratingImpact: number) =>
      `This pseudonym may write notes once its rating impact reaches ${required} (it is ${ratingImpact}). Rate notes that need ratings: each rating that agrees with the status the note is later decided at counts +1. Impacts are updated at each scoring run.`,
    5,
    2,
  ),
  NOT_AUTHOR: entry(HttpStatus.FORBIDDEN, () => 'Only the author of a note may delete it'),
  NOTE_DELETED: entry(
    HttpStatus.CONFLICT,
    () => 'This note was deleted by its author and takes no new ratings',
  ),
  NOTE_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (noteId: string, slug: string) => `No note ${noteId} in community "${slug}"`,
    '0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e',
    'news',
  ),
  POST_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    () => 'No notes have been written or requested on this post',
  ),
  POST_REF_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    () => 'Give a post either as { url } or as { platform, externalId }',
  ),
  POST_URL_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (problem: string) => `post.${problem}`,
    'url must be an http or https URL',
  ),
  RATING_OUTDATED: entry(
    HttpStatus.CONFLICT,
    () => 'A rating of this note with the same or a later clientMinute is already stored',
  ),
  REASONS_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (problem: string) => `reasons ${problem}`,
    'must hold at least one reason',
  ),
  SELF_RATING: entry(HttpStatus.FORBIDDEN, () => 'Authors cannot rate their own notes'),
  SOURCES_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (sources: string) => `sources must be http or https links: ${sources}`,
    'ftp://example.com/report',
  ),
  SOURCES_REQUIRED: entry(
    HttpStatus.BAD_REQUEST,
    () => 'A misleading note needs at least one source link',
  ),
  TAGS_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (problem: string) => `tags ${problem}`,
    'must not repeat',
  ),
  TEXT_INVALID: entry(
    HttpStatus.BAD_REQUEST,
    (limit: number, length: number) =>
      `text must be 1 to ${limit} characters, each URL counting as one (it has ${length})`,
    280,
    0,
  ),
  WRITING_LOCKED: entry(
    HttpStatus.FORBIDDEN,
    (recentNotHelpful: number, required: number, impactSinceLock: number) =>
      `${recentNotHelpful} of this pseudonym's last 5 decided notes were rated not helpful, so writing is locked. Rate notes that need ratings: writing reopens once the ratings made since reach an impact of ${required} (they are at ${impactSinceLock}), or when newer notes are rated helpful.`,
    3,
    5,
    1,
  ),

  // Scoring, readiness and the database (503s carry Retry-After).
  DATABASE_BUSY: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () =>
      'Every database connection is busy (the request waited for one in vain); send the same ' +
      'request again after Retry-After',
  ),
  DATABASE_UNAVAILABLE: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () => 'The database cannot be reached right now; send the same request again after Retry-After',
  ),
  NOT_READY: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    (down: string) => `Not ready: ${down} unreachable`,
    'queue',
  ),
  QUEUE_UNAVAILABLE: entry(
    HttpStatus.SERVICE_UNAVAILABLE,
    () => 'The job queue is unreachable; try again shortly',
  ),
  SCORES_PRUNED: entry(
    HttpStatus.GONE,
    (runId: string) =>
      `The per-note scores of run ${runId} were pruned by the score retention; its record remains`,
    '3d5e2f10-7c1a-4b8e-9f20-6a4b3c2d1e0f',
  ),
  SCORING_RUN_NOT_FINISHED: entry(
    HttpStatus.CONFLICT,
    (runId: string, status: string) => `Scoring run ${runId} is ${status}; it has no scores`,
    '3d5e2f10-7c1a-4b8e-9f20-6a4b3c2d1e0f',
    'running',
  ),
  SCORING_RUN_NOT_FOUND: entry(
    HttpStatus.NOT_FOUND,
    (runId: string) => `No scoring run with id ${runId}`,
    '3d5e2f10-7c1a-4b8e-9f20-6a4b3c2d1e0f',
  ),

  // The widget's files.
  WIDGET_NOT_BUILT: entry(
    HttpStatus.NOT_FOUND,
    () => 'The widget is not built: run the API from its build (npm start)',
  ),
};

export type ErrorCode = keyof typeof ERRORS;

/** The arguments of a code's default message. */
export type ErrorArgs<C extends ErrorCode> = Parameters<(typeof ERRORS)[C]['message']>;

/** The code of an error Nest or the body parsers raise without one: the generic one of its status. */
export const DEFAULT_ERROR_CODES: Partial<Record<HttpStatus, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_REQUEST',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHORIZED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PRECONDITION_FAILED]: 'PRECONDITION_FAILED',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE]: 'RANGE_NOT_SATISFIABLE',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'UNPROCESSABLE_ENTITY',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_REQUESTS',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'INTERNAL_ERROR',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/** The body-parser failures (by their `type`) that have a code of their own. */
export const BODY_PARSER_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_ENCODING',
  'charset.unsupported': 'UNSUPPORTED_CHARSET',
  'entity.too.deep': 'JSON_TOO_DEEP',
  'request.aborted': 'REQUEST_ABORTED',
  'request.size.invalid': 'CONTENT_LENGTH_MISMATCH',
};
