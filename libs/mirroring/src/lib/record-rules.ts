import { NoteClassification } from '@bridgenotes/database';
import {
  provenPostKey,
  recordProblem,
  type NoteRecord,
  type RatingRecord,
  type RequestRecord,
} from '@bridgenotes/open-data';
import {
  MODERATION_ACTIONS,
  noteTarget,
  pseudonymTarget,
  SNARK_SCALAR_FIELD,
  type ModerationLogEntry,
} from '@bridgenotes/protocol';

/** A UUID as the export writes one (lower case), the only form the mirror's tables take. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const CLASSIFICATIONS: ReadonlySet<string> = new Set(Object.values(NoteClassification));

/**
 * A minute the `client_minute` columns (int4) hold: a root still current accepts a proof at any
 * later minute, so a member may prove one past them (2^31 minutes is the year 6053).
 */
const storableMinute = (minute: number) =>
  Number.isSafeInteger(minute) && minute >= -2_147_483_648 && minute <= 2_147_483_647;
const MINUTE_UNSTORABLE = 'the minute is not a whole number the tables hold (32 bits)';

/**
 * The years an origin's times (a root's creation, a run's finish) are taken from, as the API's
 * cursors bound them (apps/api `common/cursor.ts`): any real row falls well inside, and a time
 * outside, which `Date.parse` may well read (year -10000), could fail the transaction storing it.
 */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** The time `text` says, if it is one within the years this instance stores; else undefined. */
export function storableTime(text: string | null | undefined): number | undefined {
  const ms = Date.parse(text ?? '');
  return ms >= EARLIEST && ms < LATEST ? ms : undefined;
}

/** Half of a UTF-16 surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string as PostgreSQL's text column stores it, `max` code units at most: U+0000 (which it
 * refuses) and lone surrogates (which it stores as U+FFFD) as U+FFFD, then cut where no pair is
 * split. What an origin sent, said back in a refusal, must neither fail the insert nor stand for
 * two rows that are one once stored.
 */
export function storedText(text: string, max: number): string {
  const clean = (value: string) =>
    value.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD');
  return clean(clean(text).slice(0, max));
}

const holdsUnstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** A cursor the mirror can resume from and store (jsonb refuses U+0000 and lone surrogates). */
export const storableCursor = (cursor: unknown): cursor is string =>
  typeof cursor === 'string' && cursor !== '' && !holdsUnstorable(cursor);
const TEXT_UNSTORABLE = 'a string holds U+0000 or a lone surrogate, which the tables cannot';

/** Deeper than any record of the format nests (a proof is three levels down). */
const MAX_DEPTH = 32;
const TOO_DEEP = `a value nests deeper than ${MAX_DEPTH} levels`;

/**
 * Why a string anywhere in the record cannot be stored: PostgreSQL's text and jsonb refuse
 * U+0000, jsonb a lone surrogate too (text would store U+FFFD in its place, no longer what was
 * proven). A member may prove either in any payload string (a tag, a post's id, a note's text).
 * Walked with a stack of its own, not by recursion: a proof the format takes as any value may
 * nest thousands deep in a line under the size limit, and would overflow the call stack.
 */
function unstorableText(record: unknown): string | undefined {
  const stack: [unknown, number][] = [[record, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, depth] = next;
    if (typeof value === 'string' && holdsUnstorable(value)) return TEXT_UNSTORABLE;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    for (const [key, inner] of Object.entries(value)) {
      if (holdsUnstorable(key)) return TEXT_UNSTORABLE;
      stack.push([inner, depth + 1]);
    }
  }
  return undefined;
}

/**
 * A string's length as the API's limits and the VARCHAR columns count it: code points, so an
 * emoji (two UTF-16 units) is one character, and a note the origin took fits here too.
 */
const chars = (text: string) => [...text].length;

const isStringList = (value: unknown, allowed: (item: string) => boolean) =>
  Array.isArray(value) &&
  value.length <= 64 &&
  value.every((i) => typeof i === 'string' && allowed(i));

/**
 * Why the proven post cannot be a row of `posts` (its columns' lengths): a member may prove any
 * reference, and one over them would fail the page's transaction, not just this record.
 */
function unstorablePost(postRef: NoteRecord['postRef']): string | undefined {
  const key = provenPostKey(postRef);
  if (!key) return undefined;
  const fits =
    'canonicalUrl' in key
      ? chars(key.canonicalUrl) <= 2_048
      : chars(key.platform) <= 64 && chars(key.externalId) <= 256;
  return fits ? undefined : 'the post reference is too long';
}

/**
 * What a record must be for this instance to store it at all: the origin's content rules are
 * its own business (its members proved the content), but a value the tables cannot hold would
 * fail the whole batch, so a record outside them is refused on its own. First its shape, as
 * `bridgenotes verify` reads it: the checks after read its fields as what the format says they
 * are, and a field of another type would throw there, stopping every pull at its page. Returns
 * why, or undefined when it fits.
 */
export function unstorableNote(note: NoteRecord): string | undefined {
  const shape = recordProblem('notes', note);
  if (shape !== undefined) return shape;
  const text = unstorableText(note);
  if (text !== undefined) return text;
  if (!UUID.test(note.id)) return 'the id is not a UUID';
  if (!DECIMAL.test(note.authorPseudonym)) return 'the author pseudonym is not a field element';
  if (!CLASSIFICATIONS.has(note.classification)) return 'unknown classification';
  if (!isStringList(note.reasons, (reason) => chars(reason) <= 64)) return 'reasons too long';
  if (typeof note.text !== 'string' || chars(note.text) > 1_000) return 'text too long';
  if (!isStringList(note.sources, (source) => chars(source) <= 2_048)) return 'sources too long';
  // An unproven (seeded) note has no minute: it is refused as NOTE_UNPROVEN, not here.
  if (note.clientMinute !== null && !storableMinute(note.clientMinute)) return MINUTE_UNSTORABLE;
  return unstorablePost(note.postRef);
}

export function unstorableRating(rating: RatingRecord): string | undefined {
  const shape = recordProblem('ratings', rating);
  if (shape !== undefined) return shape;
  const text = unstorableText(rating);
  if (text !== undefined) return text;
  if (!UUID.test(rating.id) || !UUID.test(rating.noteId)) return 'the ids are not UUIDs';
  if (!DECIMAL.test(rating.raterPseudonym)) return 'the rater pseudonym is not a field element';
  if (!isStringList(rating.tags, (tag) => chars(tag) <= 64)) return 'tags too long';
  if (!storableMinute(rating.clientMinute)) return MINUTE_UNSTORABLE;
  return undefined;
}

export function unstorableRequest(request: RequestRecord): string | undefined {
  const shape = recordProblem('requests', request);
  if (shape !== undefined) return shape;
  const text = unstorableText(request);
  if (text !== undefined) return text;
  if (!UUID.test(request.id)) return 'the id is not a UUID';
  if (!DECIMAL.test(request.requesterPseudonym))
    return 'the requester pseudonym is not a field element';
  if (!storableMinute(request.clientMinute)) return MINUTE_UNSTORABLE;
  return unstorablePost(request.postRef);
}

/** The moderation_log columns an entry's strings fill, and each one's length (VARCHAR). */
const ENTRY_COLUMNS = { target: 100, reasonCode: 32, moderatorKeyId: 64, message: 80 } as const;
const ACTIONS: ReadonlySet<string> = new Set(MODERATION_ACTIONS);

/**
 * Why an origin's log entry (its shape checked, chained on) cannot be stored as served, said
 * after `entry <seq>`, or undefined. Unlike a record, an entry cannot be refused on its own:
 * the log is one chain, so the pull stops at it. The hashes are not checked here: the chain
 * made `hash` a SHA-256 in hex and `previousHash` the held entry's.
 */
export function unstorableEntry(entry: ModerationLogEntry): string | undefined {
  if (unstorableText(entry) !== undefined) return 'holds U+0000 or a lone surrogate';
  if (!ACTIONS.has(entry.action)) return 'has an unknown action';
  for (const [field, max] of Object.entries(ENTRY_COLUMNS)) {
    const value = entry[field as keyof typeof ENTRY_COLUMNS];
    if (value !== null && chars(value) > max) {
      return `has a ${field} longer than ${max} characters`;
    }
  }
  const noteId = noteTarget(entry.target);
  // Looked up by id in a uuid column, anything else fails the query.
  if (noteId !== undefined && !UUID.test(noteId)) return 'names a note by an id that is no UUID';
  const pseudonym = pseudonymTarget(entry.target);
  // A BLOCK writes it to blocked_pseudonyms (80 characters): a nullifier, as the API blocks.
  if (pseudonym !== undefined && !DECIMAL.test(pseudonym)) {
    return 'names a pseudonym that is no field element';
  }
  // The date column would take 2026-02-30 as 2026-03-02: no longer the entry its hash covers.
  const day = new Date(`${entry.day}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== entry.day) {
    return 'has a day that is no calendar day (YYYY-MM-DD)';
  }
  return undefined;
}

/** A published identity commitment as a leaf: a non-zero element of the scalar field. */
export function leafOf(commitment: string): bigint | undefined {
  if (typeof commitment !== 'string' || !DECIMAL.test(commitment)) return undefined;
  const value = BigInt(commitment);
  return value === 0n || value >= SNARK_SCALAR_FIELD ? undefined : value;
}
