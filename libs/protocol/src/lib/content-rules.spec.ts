import {
  CONTENT_MESSAGES,
  type NoteContent,
  noteContentProblems,
  postUrlProblems,
  ratingContentProblems,
} from './content-rules';

const NOTE: NoteContent = {
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The chart leaves out the last two years',
  sources: ['https://stats.example/series'],
};

/** `code: message` of each problem, as the API would answer the first. */
const said = (problems: { code: string; message: string }[]) =>
  problems.map((problem) => `${problem.code}: ${problem.message}`);

describe('a note’s content rules', () => {
  it('let a complete note through, misleading or not', () => {
    expect(noteContentProblems(NOTE)).toEqual([]);
    const notMisleading = { classification: 'NOT_MISLEADING', reasons: ['FACTUALLY_CORRECT'] };
    expect(noteContentProblems({ ...NOTE, ...notMisleading, sources: [] })).toEqual([]);
  });

  it('refuse a classification that is none of the two, leaving its reasons unchecked', () => {
    for (const classification of [undefined, 'TRUE', 'not_misleading']) {
      expect(said(noteContentProblems({ ...NOTE, classification }))).toEqual([
        `VALIDATION_FAILED: ${CONTENT_MESSAGES.classification}`,
      ]);
    }
  });

  it('ask for a reason of the note’s side, each once, in the API’s words', () => {
    expect(said(noteContentProblems({ ...NOTE, reasons: [] }))).toEqual([
      'REASONS_INVALID: reasons must hold at least one reason',
    ]);
    const [unknown] = noteContentProblems({ ...NOTE, reasons: ['FACTUALLY_CORRECT', 'TYPO'] });
    expect(unknown).toMatchObject({
      field: 'reasons',
      rule: 'reasons-invalid',
      code: 'REASONS_INVALID',
      message:
        'reasons FACTUALLY_CORRECT, TYPO do not belong to a misleading note; allowed: FACTUAL_ERROR, MANIPULATED_MEDIA, OUTDATED_INFORMATION, MISSING_IMPORTANT_CONTEXT, UNVERIFIED_CLAIM_AS_FACT, SATIRE, OTHER',
    });
    const [otherSide] = noteContentProblems({
      ...NOTE,
      classification: 'NOT_MISLEADING',
      sources: [],
    });
    expect(otherSide?.message).toMatch(
      /^reasons MISSING_IMPORTANT_CONTEXT do not belong to a not-misleading note;/,
    );
    expect(said(noteContentProblems({ ...NOTE, reasons: ['OTHER', 'OTHER'] }))).toEqual([
      'REASONS_INVALID: reasons must not repeat',
    ]);
    expect(said(noteContentProblems({ ...NOTE, reasons: Array(8).fill('OTHER') }))).toEqual([
      'VALIDATION_FAILED: reasons must hold at most 7 reasons',
    ]);
  });

  it('ask for a text a reader can see: empty, spaces or zero-width characters alone are none', () => {
    expect(said(noteContentProblems({ ...NOTE, text: '' }))).toEqual([
      'VALIDATION_FAILED: text must be 1 to 1000 characters long as sent',
    ]);
    for (const text of ['   ', '\u200b\u200d', '\u2800 \n']) {
      expect(noteContentProblems({ ...NOTE, text })).toEqual([
        {
          field: 'text',
          rule: 'text-missing',
          code: 'TEXT_INVALID',
          message:
            'text has no visible character (spaces, zero-width and other invisible characters alone do not count)',
        },
      ]);
    }
  });

  it('count a text as readers do (a link is one character), and as stored (links in full)', () => {
    expect(noteContentProblems({ ...NOTE, text: 'x'.repeat(280) })).toEqual([]);
    expect(noteContentProblems({ ...NOTE, text: 'x'.repeat(281) })).toEqual([
      {
        field: 'text',
        rule: 'text-too-long',
        code: 'TEXT_INVALID',
        message: 'text must be 1 to 280 characters, each URL counting as one (it has 281)',
        values: { count: 281, limit: 280 },
      },
    ]);
    // Emoji are one character each, as PostgreSQL counts them.
    expect(noteContentProblems({ ...NOTE, text: '🌉'.repeat(280) })).toEqual([]);
    const link = `https://example.org/${'a'.repeat(479)}`;
    expect(noteContentProblems({ ...NOTE, text: `${link} ${link}` })).toEqual([]);
    expect(noteContentProblems({ ...NOTE, text: `${link} ${link} ${link}` })).toEqual([
      {
        field: 'text',
        rule: 'text-too-long-sent',
        code: 'VALIDATION_FAILED',
        message: 'text must be 1 to 1000 characters long as sent',
        values: { count: 1499, limit: 1000, counted: 5 },
      },
    ]);
    // Over both: the limit readers count comes first (shortening the text is needed anyway).
    expect(noteContentProblems({ ...NOTE, text: `${link} ${'x'.repeat(300)}` })[0]?.rule).toBe(
      'text-too-long',
    );
  });

  it('take http(s) links of at most 2048 characters as sources, at most ten', () => {
    const bad = [
      'javascript:alert(1)',
      'example.org/report',
      `https://e.example/${'a'.repeat(2031)}`,
    ];
    expect(noteContentProblems({ ...NOTE, sources: ['https://ok.example', ...bad] })).toEqual([
      {
        field: 'sources',
        rule: 'source-invalid',
        code: 'SOURCES_INVALID',
        message: `sources must be http or https links: ${bad.join(', ')}`,
        values: { source: bad[0] },
      },
    ]);
    // An http(s) link too long alone: said as too long, with its length and its start.
    const long = `https://e.example/${'a'.repeat(2031)}`;
    expect(noteContentProblems({ ...NOTE, sources: [long] })).toEqual([
      {
        field: 'sources',
        rule: 'source-too-long',
        code: 'SOURCES_INVALID',
        message: `sources must be at most 2048 characters long: ${long}`,
        values: { source: `${long.slice(0, 60)}…`, count: 2049, limit: 2048 },
      },
    ]);
    const ten = Array.from({ length: 10 }, (_, index) => `https://example.org/${index}`);
    expect(noteContentProblems({ ...NOTE, sources: ten })).toEqual([]);
    expect(
      said(noteContentProblems({ ...NOTE, sources: [...ten, 'https://example.org/x'] })),
    ).toEqual(['VALIDATION_FAILED: sources must hold at most 10 links']);
    expect(said(noteContentProblems({ ...NOTE, sources: [] }))).toEqual([
      'SOURCES_REQUIRED: A misleading note needs at least one source link',
    ]);
  });

  it('say one problem a field, in the order of the fields, the one the API answers first', () => {
    const problems = noteContentProblems({
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      reasons: [],
      text: 'x'.repeat(300),
      sources: [],
    });
    expect(problems.map((problem) => `${problem.field}:${problem.rule}`)).toEqual([
      'reasons:reasons-missing',
      'text:text-too-long',
      'sources:sources-missing',
    ]);
  });
});

describe('a rating’s content rules', () => {
  it('take the three helpfulness values only', () => {
    expect(ratingContentProblems({ helpfulness: 'HELPFUL', tags: ['CLEAR'] })).toEqual([]);
    for (const helpfulness of [undefined, 'helpful', 'VERY_HELPFUL']) {
      expect(said(ratingContentProblems({ helpfulness, tags: [] }))).toEqual([
        'VALIDATION_FAILED: helpfulness must be HELPFUL, SOMEWHAT_HELPFUL or NOT_HELPFUL',
      ]);
    }
  });

  it('accept a rating without tags: asking for one is the widget’s and the extension’s policy', () => {
    expect(ratingContentProblems({ helpfulness: 'HELPFUL', tags: [] })).toEqual([]);
    expect(ratingContentProblems({ helpfulness: 'NOT_HELPFUL', tags: [] })).toEqual([]);
  });

  it('take tags of the rating’s side, either side for somewhat helpful, each once', () => {
    expect(said(ratingContentProblems({ helpfulness: 'HELPFUL', tags: ['INCORRECT'] }))).toEqual([
      'TAGS_INVALID: tags INCORRECT do not belong to a HELPFUL rating; allowed: CLEAR, GOOD_SOURCES, ADDRESSES_CLAIM, IMPORTANT_CONTEXT, UNBIASED_LANGUAGE, INFORMATIVE, EMPATHETIC, UNIQUE_CONTEXT, OTHER',
    ]);
    expect(
      ratingContentProblems({ helpfulness: 'SOMEWHAT_HELPFUL', tags: ['CLEAR', 'INCORRECT'] }),
    ).toEqual([]);
    expect(
      said(ratingContentProblems({ helpfulness: 'NOT_HELPFUL', tags: ['OUTDATED', 'OUTDATED'] })),
    ).toEqual(['TAGS_INVALID: tags must not repeat']);
    expect(
      said(ratingContentProblems({ helpfulness: 'HELPFUL', tags: Array(22).fill('CLEAR') })),
    ).toEqual(['VALIDATION_FAILED: tags must hold at most 21 tags']);
  });
});

describe('a post’s URL', () => {
  it('is an http(s) URL without credentials, of 1 to 2048 characters', () => {
    expect(postUrlProblems('https://news.example/story?id=7')).toEqual([]);
    expect(said(postUrlProblems('news.example/story'))).toEqual([
      'POST_URL_INVALID: post.url is not a valid absolute URL',
    ]);
    expect(said(postUrlProblems('ftp://news.example/story'))).toEqual([
      'POST_URL_INVALID: post.url must use http or https',
    ]);
    expect(said(postUrlProblems('https://me:secret@news.example/'))).toEqual([
      'POST_URL_INVALID: post.url must not contain credentials',
    ]);
    expect(said(postUrlProblems(`https://news.example/${'a'.repeat(2048)}`))).toEqual([
      'VALIDATION_FAILED: post.url must be 1 to 2048 characters',
    ]);
  });
});
