import { createHash } from 'node:crypto';

import { RatingTag } from '../lib/rating-tags';
import {
  emptyStatusHistory,
  statusHistoryFromJson,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '../lib/status-history';
import {
  postKeyOf,
  ratingTagMask,
  ratingTagOf,
  RunInputBuilder,
  type RunPost,
  type RunRating,
} from './run-input';
import type { TopicSeed } from '../lib/topics';

const CREATED = Date.UTC(2026, 5, 1);
const NOW = CREATED + 3_600_000;

const POST: RunPost = {
  canonicalUrl: 'https://news.example/story',
  platform: null,
  externalId: null,
};

interface Variant {
  nowMs?: number;
  postId?: string;
  post?: RunPost;
  classification?: string;
  helpfulness?: RunRating['helpfulness'];
  clientMinute?: number;
  tags?: string[];
  history?: NoteStatusHistory | null;
  text?: string;
  topicSeeds?: TopicSeed[];
}

function built(variant: Variant = {}) {
  const builder = new RunInputBuilder(variant.nowMs ?? NOW, variant.topicSeeds);
  builder.addNote({
    id: 'note-1',
    authorPseudonym: '5',
    classification: variant.classification ?? 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    createdAtMs: CREATED,
    postId: variant.postId ?? 'post-1',
    post: variant.post ?? POST,
    history: variant.history ?? null,
    text: variant.text ?? 'what Ronaldo said',
  });
  const rating: RunRating = {
    noteId: 'note-1',
    raterPseudonym: '9',
    helpfulness: variant.helpfulness ?? 'HELPFUL',
    tags: variant.tags ?? ['CLEAR'],
    clientMinute: variant.clientMinute ?? CREATED / 60_000 + 5,
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

  it('hashes the data members submitted in the documented lines, posts by key', () => {
    const expected = createHash('sha256')
      .update(
        `n\tnote-1\t5\tMISINFORMED_OR_POTENTIALLY_MISLEADING\t${new Date(CREATED).toISOString()}\t["url","https://news.example/story"]\n`,
      )
      .update(`r\tnote-1\t9\tHELPFUL\t${CREATED / 60_000 + 5}\t${1 << RatingTag.HelpfulClear}\n`)
      .digest('hex');
    const history = emptyStatusHistory('note-1', '5', CREATED);
    expect(built({ history }).dataHash).toBe(expected);
  });

  it("keeps the data hash whatever the run time, the instance's post id and the history", () => {
    const base = built();
    const history = emptyStatusHistory('note-1', '5', CREATED);
    // What an origin and its mirror see differently when they score the same data.
    const elsewhere = [
      built({ nowMs: NOW + 3_600_000 }),
      built({ postId: 'the-mirrors-own-post-row' }),
      built({ history: { ...history, currentStatus: 'CURRENTLY_RATED_HELPFUL' } }),
    ];
    for (const other of elsewhere) {
      expect(other.dataHash).toBe(base.dataHash);
      expect(other.inputHash).not.toBe(base.inputHash);
    }
    // Anything a member submitted counts.
    const changed: Variant[] = [
      { post: { canonicalUrl: 'https://news.example/other', platform: null, externalId: null } },
      { post: { canonicalUrl: null, platform: 'mastodon', externalId: '1' } },
      { classification: 'NOT_MISLEADING' },
      { helpfulness: 'SOMEWHAT_HELPFUL' },
      { clientMinute: CREATED / 60_000 + 6 },
      { tags: ['CLEAR', 'INFORMATIVE'] },
    ];
    const hashes = changed.map((variant) => built(variant).dataHash);
    expect(new Set([base.dataHash, ...hashes]).size).toBe(changed.length + 1);
  });

  it('keys posts so that no URL, platform or id passes for another', () => {
    const keys = [
      postKeyOf({ canonicalUrl: 'https://x.example/a', platform: null, externalId: null }),
      postKeyOf({ canonicalUrl: null, platform: 'https', externalId: '//x.example/a' }),
      postKeyOf({ canonicalUrl: null, platform: 'url', externalId: 'https://x.example/a' }),
      postKeyOf({ canonicalUrl: null, platform: 'a', externalId: 'b:c' }),
      postKeyOf({ canonicalUrl: null, platform: 'a:b', externalId: 'c' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(postKeyOf({ canonicalUrl: null, platform: 'x', externalId: 'a\tb\nr' })).not.toMatch(
      /[\t\n]/,
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

  it('hashes the topic seeds and note texts only when the community names topics (meta/2)', () => {
    const seeds: TopicSeed[] = [{ topic: 'MessiRonaldo', terms: ['\\bronaldo'] }];
    // Without topics the lines are those of earlier versions, whatever the text.
    expect(built({ text: 'other words' }).inputHash).toBe(built().inputHash);
    const withSeeds = built({ topicSeeds: seeds });
    const expected = createHash('sha256')
      .update(`t\t${NOW}\n`)
      .update(`s\t[{"topic":"MessiRonaldo","terms":["\\\\bronaldo"]}]\n`)
      .update(
        `n\tnote-1\t5\tMISINFORMED_OR_POTENTIALLY_MISLEADING\t${new Date(CREATED).toISOString()}\tpost-1\n`,
      )
      .update(`x\t"what Ronaldo said"\n`)
      .update(`r\tnote-1\t9\tHELPFUL\t${CREATED / 60_000 + 5}\t${1 << RatingTag.HelpfulClear}\n`)
      .digest('hex');
    expect(withSeeds.inputHash).toBe(expected);
    expect(built({ topicSeeds: seeds, text: 'other words' }).inputHash).not.toBe(expected);
    // The data hash is what members submitted, the same under every version.
    expect(withSeeds.dataHash).toBe(built().dataHash);
    expect(withSeeds.topicSeeds).toEqual(seeds);
    expect(withSeeds.input.noteText).toEqual(['what Ronaldo said']);
    expect(built().input.noteText).toEqual(['']);
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
