/**
 * What a note, a rating and a request may say: the API's rules beyond the field types, with its
 * codes and its messages word for word. One definition for both ends: the API applies them at its
 * edge (apps/api's note DTOs and note-rules.ts), and the clients (the widget, the extension, the
 * CLI) before proving, since a proof takes seconds of CPU and a write refused after it wastes
 * them. Pure, no dependencies beyond this library.
 */
import { canonicalPostUrl, InvalidPostUrlError, MAX_URL_LENGTH } from './canonical-url';
import {
  HELPFUL_TAGS,
  MISLEADING_REASONS,
  NOT_HELPFUL_TAGS,
  NOT_MISLEADING_REASONS,
  NOTE_TEXT_LIMIT,
  noteTextLength,
} from './note-fields';
import { hasVisibleCharacter } from './text-checks';

export const NOTE_CLASSIFICATIONS = [
  'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  'NOT_MISLEADING',
] as const;
export const HELPFULNESS_LEVELS = ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'] as const;

/** Reasons a note may give: at most every reason of the longer side. */
export const NOTE_REASONS_LIMIT = 7;
/** A note's text as sent, in code points (its column's size), links counted in full. */
export const NOTE_TEXT_SENT_LIMIT = 1000;

/** A note's length as sent and stored: code points, as PostgreSQL counts them, links in full. */
export const noteTextSentLength = (text: string): number => [...text].length;
export const NOTE_SOURCES_LIMIT = 10;
/** A source link's length, as a post's URL's (UTF-16 code units, as `canonicalPostUrl` counts). */
export const SOURCE_LENGTH_LIMIT = MAX_URL_LENGTH;
/** How much of a source too long a client shows (its start, to find it among the others). */
export const SOURCE_SHOWN_LENGTH = 60;
/** Tags a rating may name: at most every tag of both sides. */
export const RATING_TAGS_LIMIT = 21;

/** The messages of the API's DTO checks (`400 VALIDATION_FAILED`) these rules share. */
export const CONTENT_MESSAGES = {
  classification: 'classification must be MISINFORMED_OR_POTENTIALLY_MISLEADING or NOT_MISLEADING',
  reasonsLimit: `reasons must hold at most ${NOTE_REASONS_LIMIT} reasons`,
  textSent: `text must be 1 to ${NOTE_TEXT_SENT_LIMIT} characters long as sent`,
  sourcesLimit: `sources must hold at most ${NOTE_SOURCES_LIMIT} links`,
  helpfulness: 'helpfulness must be HELPFUL, SOMEWHAT_HELPFUL or NOT_HELPFUL',
  tagsLimit: `tags must hold at most ${RATING_TAGS_LIMIT} tags`,
  postUrl: `post.url must be 1 to ${MAX_URL_LENGTH} characters`,
} as const;

/** What is wrong, by kind: each client says it its own way (the widget's keys, its languages). */
export type ContentRule =
  | 'classification-invalid'
  | 'reasons-missing'
  | 'reasons-invalid'
  | 'text-missing'
  | 'text-too-long'
  | 'text-too-long-sent'
  | 'source-invalid'
  | 'source-too-long'
  | 'sources-too-many'
  | 'sources-missing'
  | 'helpfulness-invalid'
  | 'tags-invalid'
  | 'post-url-invalid';

export interface ContentProblem {
  /** The field it is about, as the API names it. */
  field: 'classification' | 'reasons' | 'text' | 'sources' | 'helpfulness' | 'tags' | 'post';
  rule: ContentRule;
  /** The API's code for it. */
  code:
    | 'VALIDATION_FAILED'
    | 'REASONS_INVALID'
    | 'TEXT_INVALID'
    | 'SOURCES_INVALID'
    | 'SOURCES_REQUIRED'
    | 'TAGS_INVALID'
    | 'POST_URL_INVALID';
  /** The API's message, word for word. */
  message: string;
  /** The figures or value the message names, for a client's own wording. */
  values?: Record<string, string | number>;
}

/** What a note says, as the API takes it; a client's unchosen classification is undefined. */
export interface NoteContent {
  classification: string | undefined;
  reasons: readonly string[];
  text: string;
  sources: readonly string[];
}

const isOneOf = <T extends string>(values: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (values as readonly string[]).includes(value);

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Values of `field` that are not in `allowed`, or repeated, said as the API says them. */
function onlyFrom(
  values: readonly string[],
  allowed: readonly string[],
  field: 'reasons' | 'tags',
  side: string,
): string | undefined {
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    return `${field} ${unknown.join(', ')} do not belong to ${side}; allowed: ${allowed.join(', ')}`;
  }
  if (new Set(values).size !== values.length) return `${field} must not repeat`;
  return undefined;
}

function reasonsProblem(note: NoteContent): ContentProblem | undefined {
  const problem = (rule: ContentRule, code: ContentProblem['code'], message: string) =>
    ({ field: 'reasons', rule, code, message }) as const;
  if (note.reasons.length === 0) {
    return problem('reasons-missing', 'REASONS_INVALID', 'reasons must hold at least one reason');
  }
  if (note.reasons.length > NOTE_REASONS_LIMIT) {
    return problem('reasons-invalid', 'VALIDATION_FAILED', CONTENT_MESSAGES.reasonsLimit);
  }
  const misleading = note.classification === 'MISINFORMED_OR_POTENTIALLY_MISLEADING';
  const refused = onlyFrom(
    note.reasons,
    misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
    'reasons',
    misleading ? 'a misleading note' : 'a not-misleading note',
  );
  return refused === undefined ? undefined : problem('reasons-invalid', 'REASONS_INVALID', refused);
}

/**
 * What the API would refuse in a note's text: none, spaces or invisible characters alone
 * (`text-missing`), over 280 characters as readers count them (`text-too-long`, `count` and
 * `limit`), or, within those, over 1000 as sent, which only long links make (`text-too-long-sent`,
 * `count` and `limit` as sent, `counted` as readers count it). Also what a form says as the member
 * types.
 */
export function noteTextProblem(text: string): ContentProblem | undefined {
  if (text.length === 0) {
    return {
      field: 'text',
      rule: 'text-missing',
      code: 'VALIDATION_FAILED',
      message: CONTENT_MESSAGES.textSent,
    };
  }
  if (!hasVisibleCharacter(text)) {
    return {
      field: 'text',
      rule: 'text-missing',
      code: 'TEXT_INVALID',
      message:
        'text has no visible character (spaces, zero-width and other invisible characters alone do not count)',
    };
  }
  const count = noteTextLength(text);
  if (count > NOTE_TEXT_LIMIT) {
    return {
      field: 'text',
      rule: 'text-too-long',
      code: 'TEXT_INVALID',
      message: `text must be 1 to ${NOTE_TEXT_LIMIT} characters, each URL counting as one (it has ${count})`,
      values: { count, limit: NOTE_TEXT_LIMIT },
    };
  }
  // Only long links can make a text that readers count within the limit too long to store.
  const sent = noteTextSentLength(text);
  if (sent > NOTE_TEXT_SENT_LIMIT) {
    return {
      field: 'text',
      rule: 'text-too-long-sent',
      code: 'VALIDATION_FAILED',
      message: CONTENT_MESSAGES.textSent,
      values: { count: sent, limit: NOTE_TEXT_SENT_LIMIT, counted: count },
    };
  }
  return undefined;
}

function sourcesProblem(note: NoteContent): ContentProblem | undefined {
  const bad = note.sources.filter(
    (source) => source.length > SOURCE_LENGTH_LIMIT || !isHttpUrl(source),
  );
  const notLinks = bad.filter((source) => !isHttpUrl(source));
  if (notLinks.length > 0) {
    return {
      field: 'sources',
      rule: 'source-invalid',
      code: 'SOURCES_INVALID',
      message: `sources must be http or https links: ${bad.join(', ')}`,
      values: { source: notLinks[0] as string },
    };
  }
  // http(s) links all, some too long: said as such, not as links of another kind.
  const [long] = bad;
  if (long !== undefined) {
    return {
      field: 'sources',
      rule: 'source-too-long',
      code: 'SOURCES_INVALID',
      message: `sources must be at most ${SOURCE_LENGTH_LIMIT} characters long: ${bad.join(', ')}`,
      values: {
        source: `${long.slice(0, SOURCE_SHOWN_LENGTH)}…`,
        count: long.length,
        limit: SOURCE_LENGTH_LIMIT,
      },
    };
  }
  if (note.sources.length > NOTE_SOURCES_LIMIT) {
    return {
      field: 'sources',
      rule: 'sources-too-many',
      code: 'VALIDATION_FAILED',
      message: CONTENT_MESSAGES.sourcesLimit,
      values: { limit: NOTE_SOURCES_LIMIT },
    };
  }
  if (
    note.classification === 'MISINFORMED_OR_POTENTIALLY_MISLEADING' &&
    note.sources.length === 0
  ) {
    return {
      field: 'sources',
      rule: 'sources-missing',
      code: 'SOURCES_REQUIRED',
      message: 'A misleading note needs at least one source link',
    };
  }
  return undefined;
}

/**
 * What the API would refuse in a note, at most one problem a field, in the order of its fields
 * (classification, reasons, text, sources): the API answers the first. Without a valid
 * classification its reasons' side is unknown, so they are not checked.
 */
export function noteContentProblems(note: NoteContent): ContentProblem[] {
  const classified = isOneOf(NOTE_CLASSIFICATIONS, note.classification);
  const problems = [
    classified
      ? undefined
      : ({
          field: 'classification',
          rule: 'classification-invalid',
          code: 'VALIDATION_FAILED',
          message: CONTENT_MESSAGES.classification,
        } as const),
    classified ? reasonsProblem(note) : undefined,
    noteTextProblem(note.text),
    sourcesProblem(note),
  ];
  return problems.filter((problem) => problem !== undefined);
}

/**
 * What the API would refuse in a rating: a helpfulness that is none of the three, tags not of its
 * side (either side for "somewhat helpful"), repeated or too many. A rating without tags is
 * accepted: the widget and the extension ask for one as a policy of theirs (docs/widget.md).
 */
export function ratingContentProblems(rating: {
  helpfulness: string | undefined;
  tags: readonly string[];
}): ContentProblem[] {
  const { helpfulness, tags } = rating;
  if (!isOneOf(HELPFULNESS_LEVELS, helpfulness)) {
    return [
      {
        field: 'helpfulness',
        rule: 'helpfulness-invalid',
        code: 'VALIDATION_FAILED',
        message: CONTENT_MESSAGES.helpfulness,
      },
    ];
  }
  if (tags.length > RATING_TAGS_LIMIT) {
    return [
      {
        field: 'tags',
        rule: 'tags-invalid',
        code: 'VALIDATION_FAILED',
        message: CONTENT_MESSAGES.tagsLimit,
      },
    ];
  }
  const allowed =
    helpfulness === 'HELPFUL'
      ? HELPFUL_TAGS
      : helpfulness === 'NOT_HELPFUL'
        ? NOT_HELPFUL_TAGS
        : [...new Set([...HELPFUL_TAGS, ...NOT_HELPFUL_TAGS])];
  const refused = onlyFrom(tags, allowed, 'tags', `a ${helpfulness} rating`);
  return refused === undefined
    ? []
    : [{ field: 'tags', rule: 'tags-invalid', code: 'TAGS_INVALID', message: refused }];
}

/** What the API would refuse in a post's URL (`{ url }`; `canonicalPostUrl` decides). */
export function postUrlProblems(url: string): ContentProblem[] {
  const problem = (code: ContentProblem['code'], message: string): ContentProblem[] => [
    { field: 'post', rule: 'post-url-invalid', code, message },
  ];
  const length = [...url].length;
  if (length === 0 || length > MAX_URL_LENGTH) {
    return problem('VALIDATION_FAILED', CONTENT_MESSAGES.postUrl);
  }
  try {
    canonicalPostUrl(url);
    return [];
  } catch (error) {
    if (error instanceof InvalidPostUrlError)
      return problem('POST_URL_INVALID', `post.${error.message}`);
    throw error;
  }
}
