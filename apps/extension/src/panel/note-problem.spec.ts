import { noteProblem } from './note-problem';

const NOTE = {
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'Only cars are affected; see https://example.org/notice',
  sources: ['https://example.org/notice'],
};

describe('the panel’s checks of a note before proving', () => {
  it('let a complete note through, misleading or not', () => {
    expect(noteProblem(NOTE)).toBeNull();
    expect(
      noteProblem({
        ...NOTE,
        classification: 'NOT_MISLEADING',
        reasons: ['FACTUALLY_CORRECT'],
        sources: [],
      }),
    ).toBeNull();
  });

  it('say the first problem in the order of the form, in the panel’s words', () => {
    expect(noteProblem({ ...NOTE, classification: undefined, reasons: [], text: '' })).toEqual({
      field: 'classification',
      message: 'Choose whether the post may mislead.',
    });
    expect(noteProblem({ ...NOTE, reasons: [], text: '' })).toEqual({
      field: 'reasons',
      message: 'Pick at least one reason.',
    });
    expect(noteProblem({ ...NOTE, text: ' \n' })).toEqual({
      field: 'text',
      message: 'Write the note’s text.',
    });
    expect(noteProblem({ ...NOTE, text: 'x'.repeat(281) })).toEqual({
      field: 'text',
      message: 'The note is 281 characters long; at most 280.',
    });
    expect(noteProblem({ ...NOTE, sources: ['ftp://example.org/a'] })).toEqual({
      field: 'sources',
      message: 'Sources must be http or https links: ftp://example.org/a',
    });
    expect(noteProblem({ ...NOTE, sources: [] })).toEqual({
      field: 'sources',
      message: 'A note saying the post is misleading needs at least one source link.',
    });
  });

  it('refuse what the API refuses that the panel let through before: zero-width text, eleven sources', () => {
    expect(noteProblem({ ...NOTE, text: '\u200b\u200b' })?.field).toBe('text');
    const eleven = Array.from({ length: 11 }, (_, index) => `https://example.org/${index}`);
    expect(noteProblem({ ...NOTE, sources: eleven })).toEqual({
      field: 'sources',
      message: 'At most 10 sources.',
    });
  });
});
