import { createHash } from 'node:crypto';

import { RatingTag } from '../lib/rating-tags';
import {
  emptyStatusHistory,
  statusHistoryFromJson,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '../lib/status-history';
import { ratingTagMask, ratingTagOf, RunInputBuilder, type RunRating } from './run-input';

const CREATED = Date.UTC(2026, 5, 1);
const NOW = CREATED + 3_600_000;

interface Variant {
  nowMs?: number;
  postId?: string;
  tags?: string[];
  history?: NoteStatusHistory | null;
}

function built(variant: Variant = {}) {
  const builder = new RunInputBuilder(variant.nowMs ?? NOW);
  builder.addNote({
    id: 'note-1',
    authorPseudonym: '5',
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    createdAtMs: CREATED,
    postId: variant.postId ?? 'post-1',
    history: variant.history ?? null,
  });
  const rating: RunRating = {
    noteId: 'note-1',
    raterPseudonym: '9',
    helpfulness: 'HELPFUL',
    tags: variant.tags ?? ['CLEAR'],
    clientMinute: CREATED / 60_000 + 5,
  };
  builder.addRating(rating);
  return builder.build();
}

describe('RunInputBuilder', () => {
  it('hashes the documented canonical lines', () => {
    const history = {
      ...emptyStatusHistory('note-1', '5', CREATED),
      currentStatus: 'NEEDS_MORE_RATINGS',
    };
    const expected = createHash('sha256')
      .update(`t\t${NOW}\n`)
      .update(
        `n\tnote-1\t5\tMISINFORMED_OR_POTENTIALLY_MISLEADING\t${new Date(CREATED).toISOString()}\tpost-1\n`,
      )
      .update(
        `h\t["note-1","5",${CREATED},null,"",null,"NEEDS_MORE_RATINGS",null,"",null,"",null,"","","","",null,null,null,"",null,null,null,null]\n`,
      )
      .update(`r\tnote-1\t9\tHELPFUL\t${CREATED / 60_000 + 5}\t${1 << RatingTag.HelpfulClear}\n`)
      .digest('hex');
    expect(built({ history }).inputHash).toBe(expected);
  });

  it('changes the hash with the run time, the post, the tags and the status history', () => {
    const base = built().inputHash;
    expect(built().inputHash).toBe(base);
    const history = emptyStatusHistory('note-1', '5', CREATED);
    const variants: Variant[] = [
      { nowMs: NOW + 1 },
      { postId: 'post-2' },
      { tags: ['CLEAR', 'INFORMATIVE'] },
      { history },
      { history: { ...history, timestampMillisOfNmrDueToMinStableCrhTime: NOW - 60_000 } },
    ];
    const hashes = variants.map((variant) => built(variant).inputHash);
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
    // What the scorer cannot see does not count: tag order and unknown tag names.
    expect(built({ tags: ['INFORMATIVE', 'CLEAR', 'NOT_A_TAG'] }).inputHash).toBe(
      built({ tags: ['CLEAR', 'INFORMATIVE'] }).inputHash,
    );
  });

  it('hashes a stored history the same whatever the order of its JSON keys', () => {
    const history: NoteStatusHistory = {
      ...emptyStatusHistory('note-1', '5', CREATED),
      currentStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfCurrentStatus: NOW - 3_600_000,
    };
    const json = statusHistoryToJson(history);
    const reversed = Object.fromEntries(Object.entries(json).reverse());
    const parsed = statusHistoryFromJson(JSON.parse(JSON.stringify(reversed)));
    expect(parsed).toEqual(history);
    expect(built({ history: parsed }).inputHash).toBe(built({ history }).inputHash);
  });

  it('passes everything to the scorer: post, history, tags', () => {
    const history = {
      ...emptyStatusHistory('note-1', '5', CREATED),
      currentStatus: 'CURRENTLY_RATED_HELPFUL',
    };
    const { input, nowMs } = built({ history, tags: ['CLEAR', 'GOOD_SOURCES'] });
    expect(nowMs).toBe(NOW);
    expect(input.postIds).toEqual(['post-1']);
    expect(Array.from(input.notePost)).toEqual([0]);
    expect(input.noteHistory[0]).toEqual(history);
    expect(input.notePreviouslyHelpful[0]).toBe(1);
    expect(input.tagsKnown).toBe(true);
    expect(input.ratingTags[0]).toBe(
      (1 << RatingTag.HelpfulClear) | (1 << RatingTag.HelpfulGoodSources),
    );
  });

  it('refuses a run time that is not a whole number of milliseconds', () => {
    expect(() => new RunInputBuilder(NOW + 0.5)).toThrow(/run time/);
    expect(() => new RunInputBuilder(Number.NaN)).toThrow(/run time/);
  });
});

describe('tag names', () => {
  it("maps each name on the rating's side, OTHER included", () => {
    expect(ratingTagOf('NOT_HELPFUL', 'OTHER')).toBe(RatingTag.NotHelpfulOther);
    expect(ratingTagOf('HELPFUL', 'OTHER')).toBe(RatingTag.HelpfulOther);
    expect(ratingTagOf('SOMEWHAT_HELPFUL', 'OTHER')).toBe(RatingTag.HelpfulOther);
    expect(ratingTagOf('SOMEWHAT_HELPFUL', 'INCORRECT')).toBe(RatingTag.NotHelpfulIncorrect);
    expect(ratingTagOf('NOT_HELPFUL', 'OPINION_SPECULATION')).toBe(
      RatingTag.NotHelpfulOpinionSpeculation,
    );
    expect(ratingTagOf('HELPFUL', '__proto__')).toBeUndefined();
    expect(ratingTagMask('NOT_HELPFUL', ['OTHER', 'INCORRECT', 'INCORRECT'])).toBe(
      (1 << RatingTag.NotHelpfulOther) | (1 << RatingTag.NotHelpfulIncorrect),
    );
  });

  it('turns absent timestamps into null and back', () => {
    const row = emptyStatusHistory('n', 'a', CREATED);
    const json = statusHistoryToJson(row);
    expect(json.timestampMillisOfStatusLock).toBeNull();
    expect(json.createdAtMillis).toBe(CREATED);
    expect(statusHistoryFromJson(json)).toEqual(row);
    expect(statusHistoryFromJson('nope')).toBeUndefined();
    expect(statusHistoryFromJson({ currentStatus: 7, createdAtMillis: 'x' })).toMatchObject({
      currentStatus: '',
      createdAtMillis: Number.NaN,
    });
  });
});
