import type { NoteRecord, RatingRecord } from '@bridgenotes/open-data';
import {
  MODERATION_GENESIS,
  SNARK_SCALAR_FIELD,
  type ModerationLogEntry,
} from '@bridgenotes/protocol';

import { leafOf, unstorableEntry, unstorableNote, unstorableRating } from './record-rules';

const NOTE: NoteRecord = {
  cursor: 'c',
  id: '0b7d3a6e-52a4-4b8e-9d64-2f1c1d3e4a5b',
  authorPseudonym: '12345',
  postId: '1',
  post: { canonicalUrl: 'https://example.com/a', platform: null, externalId: null },
  postRef: { url: 'https://example.com/a' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['FACTUAL_ERROR'],
  text: 'text',
  sources: ['https://example.org/source'],
  clientMinute: 29_000_000,
  createdAt: new Date(29_000_000 * 60_000).toISOString(),
  deletedAt: null,
  proof: null,
  deleteProof: null,
};

const RATING: RatingRecord = {
  cursor: 'c',
  id: '1b7d3a6e-52a4-4b8e-9d64-2f1c1d3e4a5b',
  noteId: NOTE.id,
  raterPseudonym: '678',
  helpfulness: 'HELPFUL',
  tags: ['CLEAR'],
  clientMinute: 29_000_001,
  proof: NOTE.proof as never,
};

describe('what a mirror can store', () => {
  it('takes a note and a rating its tables can hold', () => {
    expect(unstorableNote(NOTE)).toBeUndefined();
    expect(unstorableRating(RATING)).toBeUndefined();
  });

  it('names why a note does not fit', () => {
    expect(unstorableNote({ ...NOTE, id: 'note-1' })).toBe('the id is not a UUID');
    expect(unstorableNote({ ...NOTE, authorPseudonym: '-1' })).toMatch(/pseudonym/);
    expect(unstorableNote({ ...NOTE, classification: 'SHOUTING' })).toBe('unknown classification');
    expect(unstorableNote({ ...NOTE, text: 'x'.repeat(1_001) })).toBe('text too long');
    expect(unstorableNote({ ...NOTE, clientMinute: 1.5 })).toMatch(/whole number/);
    expect(unstorableNote({ ...NOTE, clientMinute: 2 ** 31 })).toMatch(/32 bits/);
    expect(unstorableNote({ ...NOTE, text: 'a\u0000b' })).toMatch(/U\+0000/);
    expect(unstorableNote({ ...NOTE, postRef: { url: 'https://example.com/\u0000' } })).toMatch(
      /U\+0000/,
    );
    expect(unstorableNote({ ...NOTE, text: 'a\ud800b' })).toMatch(/lone surrogate/);
    expect(unstorableNote({ ...NOTE, sources: ['\udc00'] })).toMatch(/lone surrogate/);
    expect(unstorableNote({ ...NOTE, text: 'a pair: \ud83d\ude00' })).toBeUndefined();
  });

  it('names a proof nested thousands deep, without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(5_000) + ']'.repeat(5_000)) as never;
    expect(unstorableNote({ ...NOTE, proof: deep })).toMatch(/deeper than 32/);
    expect(unstorableRating({ ...RATING, proof: deep })).toMatch(/deeper than 32/);
  });

  it('counts lengths in characters, as the API and the columns do, not in UTF-16 units', () => {
    const emoji = '\u{1F600}'.repeat(600);
    expect(unstorableNote({ ...NOTE, text: `https://example.com/a ${emoji}` })).toBeUndefined();
    expect(unstorableNote({ ...NOTE, text: emoji.repeat(2) })).toBe('text too long');
    expect(unstorableRating({ ...RATING, tags: ['\u{1F600}'.repeat(64)] })).toBeUndefined();
  });

  it('leaves an unproven note to the proof check, not to storage', () => {
    expect(unstorableNote({ ...NOTE, clientMinute: null })).toBeUndefined();
  });

  it('names a note whose fields are not of the format, before reading them', () => {
    const odd = (fields: object) => ({ ...NOTE, ...fields }) as unknown as NoteRecord;
    expect(unstorableNote(odd({ post: null }))).toBe('post is not an object');
    expect(unstorableNote(odd({ deletedAt: 'x' }))).toBe('deletedAt is not an ISO 8601 time');
    expect(unstorableNote(odd({ postRef: {} }))).toBe('postRef.platform is not a string');
    expect(unstorableNote(null as unknown as NoteRecord)).toBe('the record is not an object');
    const long = { platform: 'p'.repeat(65), externalId: '1' };
    expect(unstorableNote({ ...NOTE, postRef: long })).toBe('the post reference is too long');
  });

  it('names why a rating does not fit', () => {
    expect(unstorableRating({ ...RATING, noteId: 'n' })).toBe('the ids are not UUIDs');
    expect(
      unstorableRating({ ...RATING, helpfulness: 'VERY' as RatingRecord['helpfulness'] }),
    ).toBe('helpfulness is not one of HELPFUL, SOMEWHAT_HELPFUL, NOT_HELPFUL');
    expect(unstorableRating({ ...RATING, tags: ['t'.repeat(65)] })).toBe('tags too long');
  });

  it('names why a moderation log entry does not fit, its lengths counted in characters', () => {
    const entry: ModerationLogEntry = {
      seq: 1,
      action: 'BLOCK',
      target: `pseudonym:${RATING.raterPseudonym}`,
      reasonCode: 'SPAM',
      moderatorKeyId: 'operator',
      day: '2026-12-06',
      message: null,
      previousHash: MODERATION_GENESIS,
      hash: 'f'.repeat(64),
    };
    const odd = (changes: Record<string, unknown>) =>
      unstorableEntry({ ...entry, ...changes } as ModerationLogEntry);
    expect(unstorableEntry(entry)).toBeUndefined();
    expect(odd({ action: 'HIDE', target: `note:${NOTE.id}` })).toBeUndefined();
    const redaction = { action: 'REDACT', target: `note:${NOTE.id}`, message: '1'.repeat(78) };
    expect(odd(redaction)).toBeUndefined();
    expect(odd({ reasonCode: '\u{1F600}'.repeat(32), day: '2024-02-29' })).toBeUndefined();

    expect(odd({ action: 'DELETE' })).toBe('has an unknown action');
    expect(odd({ target: 'x'.repeat(101) })).toBe('has a target longer than 100 characters');
    expect(odd({ reasonCode: '\u{1F600}'.repeat(33) })).toBe(
      'has a reasonCode longer than 32 characters',
    );
    expect(odd({ moderatorKeyId: 'k'.repeat(65) })).toMatch(/moderatorKeyId longer than 64/);
    expect(odd({ message: '1'.repeat(81) })).toMatch(/message longer than 80/);
    expect(odd({ target: 'note:note-1' })).toBe('names a note by an id that is no UUID');
    expect(odd({ target: `pseudonym:${'1'.repeat(79)}` })).toMatch(/no field element/);
    expect(odd({ target: 'pseudonym:-1' })).toMatch(/no field element/);
    expect(odd({ day: '2026-02-30' })).toMatch(/no calendar day/);
    expect(odd({ day: '2026-1-5' })).toMatch(/no calendar day/);
    expect(odd({ moderatorKeyId: 'a\u0000' })).toMatch(/U\+0000/);
    expect(odd({ target: 'pseudonym:\ud800' })).toMatch(/lone surrogate/);
  });

  it('takes as a leaf only a non-zero element of the scalar field', () => {
    expect(leafOf('42')).toBe(42n);
    expect(leafOf('0')).toBeUndefined();
    expect(leafOf(SNARK_SCALAR_FIELD.toString())).toBeUndefined();
    expect(leafOf((SNARK_SCALAR_FIELD - 1n).toString())).toBe(SNARK_SCALAR_FIELD - 1n);
    expect(leafOf('0x2a')).toBeUndefined();
  });
});
