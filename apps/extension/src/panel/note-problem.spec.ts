import { EN_CONTENT } from '@bridgenotes/widget';

import { noteLength, noteProblem } from './note-problem';

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
      message: 'Choose at least one reason.',
    });
    expect(noteProblem({ ...NOTE, text: ' \n' })).toEqual({
      field: 'text',
      message: 'Write the note.',
    });
    expect(noteProblem({ ...NOTE, text: 'x'.repeat(281) })).toEqual({
      field: 'text',
      message: 'The note has 281 characters; at most 280 fit.',
    });
    expect(noteProblem({ ...NOTE, sources: ['ftp://example.org/a'] })).toEqual({
      field: 'sources',
      message:
        'Each source must be one link starting with http:// or https://: ftp://example.org/a',
    });
    expect(noteProblem({ ...NOTE, sources: [] })).toEqual({
      field: 'sources',
      message: 'A note saying the post may mislead needs at least one source.',
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

  it('say a note too long as sent (its links in full) as such, with what to do, in the widget’s words', () => {
    const link = (n: number) => `https://example.org/${n}/${'a'.repeat(400)}`;
    const text = `See ${link(1)} and ${link(2)} and ${link(3)}`;
    const message =
      'With its links in full, the note has 1280 characters; at most 1000 can be sent. Shorten its links, or move some to the sources.';
    expect(noteProblem({ ...NOTE, text })).toEqual({ field: 'text', message });
    // As the member types: the counter says the length as sent too, the problem is said.
    expect(noteLength(text)).toEqual({
      counter: '17/280 · 1280/1000 with links in full',
      tooLong: message,
    });
    expect(noteLength('x'.repeat(281))).toEqual({
      counter: '281/280',
      tooLong: 'The note has 281 characters; at most 280 fit.',
    });
    expect(noteLength(`See ${link(1)}`)).toEqual({ counter: '5/280', tooLong: null });
    expect(noteLength('')).toEqual({ counter: '0/280', tooLong: null });
  });

  it('word each rule as the widget does: one wording for both', () => {
    expect(noteProblem({ ...NOTE, reasons: [] })?.message).toBe(EN_CONTENT.chooseReason);
    expect(noteProblem({ ...NOTE, text: 'x'.repeat(281) })?.message).toBe(
      EN_CONTENT.textTooLong.replace('{count}', '281').replace('{limit}', '280'),
    );
  });
});
