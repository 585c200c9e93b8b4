import { t } from './i18n';
import { noteErrors, noteTextLengthError, ratingErrors } from './validation';

const fields = (errors: { field: string; key: string }[]) =>
  errors.map((error) => `${error.field}:${error.key}`);

describe('checks before proving', () => {
  const good = {
    classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
    reasons: ['OUTDATED_INFORMATION'],
    text: 'The closure dates moved.',
    sources: ['https://example.org/council'],
  };

  it('let a complete note through', () => {
    expect(noteErrors(good)).toEqual([]);
    // Not misleading: no source needed, and reasons of its own side (the API refuses others).
    const notMisleading = { classification: 'NOT_MISLEADING', reasons: ['FACTUALLY_CORRECT'] };
    expect(noteErrors({ ...good, ...notMisleading, sources: [] })).toEqual([]);
    expect(fields(noteErrors({ ...good, ...notMisleading, reasons: good.reasons }))).toEqual([
      'reasons:chooseReason',
    ]);
  });

  it('name each missing part of a note, in the order of the form', () => {
    expect(
      fields(noteErrors({ classification: undefined, reasons: [], text: ' ', sources: [] })),
    ).toEqual(['classification:chooseClassification', 'text:textMissing']);
    expect(fields(noteErrors({ ...good, reasons: [], sources: [] }))).toEqual([
      'reasons:chooseReason',
      'sources:sourcesMissing',
    ]);
  });

  it('count a note as readers do: a link is one character', () => {
    const link = `https://example.org/${'a'.repeat(300)}`;
    expect(noteErrors({ ...good, text: `${'x'.repeat(270)} ${link}` })).toEqual([]);
    expect(noteErrors({ ...good, text: 'x'.repeat(281) })).toEqual([
      { field: 'text', key: 'textTooLong', values: { count: 281, limit: 280 } },
    ]);
  });

  it('say a note too long as sent (its links in full) as such, not as too long for readers', () => {
    const link = (n: number) => `https://example.org/${n}/${'a'.repeat(400)}`;
    const text = `See ${link(1)} and ${link(2)} and ${link(3)}`;
    const error = {
      field: 'text',
      key: 'textTooLongSent',
      values: { count: 1280, limit: 1000, counted: 17 },
    } as const;
    expect(noteErrors({ ...good, text })).toEqual([error]);
    expect(t(error.key, error.values)).toBe(
      'With its links in full, the note has 1,280 characters; at most 1,000 can be sent. Shorten its links, or move some to the sources.',
    );
    // As the member types: either limit, nothing else (an empty text is said on publishing).
    expect(noteTextLengthError(text)).toEqual(error);
    expect(noteTextLengthError('x'.repeat(281))).toEqual({
      field: 'text',
      key: 'textTooLong',
      values: { count: 281, limit: 280 },
    });
    expect(noteTextLengthError('')).toBeUndefined();
    expect(noteTextLengthError(`See ${link(1)}`)).toBeUndefined();
  });

  it('refuse sources that are not http(s) links, and more than ten', () => {
    expect(fields(noteErrors({ ...good, sources: ['javascript:alert(1)'] }))).toEqual([
      'sources:sourceInvalid',
    ]);
    const eleven = Array.from({ length: 11 }, (_, index) => `https://example.org/${index}`);
    expect(fields(noteErrors({ ...good, sources: eleven }))).toEqual(['sources:tooManySources']);
    // An https link too long is said as too long, not as a link of another kind.
    const long = `https://example.org/${'a'.repeat(2100)}`;
    const [error] = noteErrors({ ...good, sources: [long] });
    expect(t(error.key, error.values)).toBe(
      `A source link has 2,120 characters; at most 2,048 fit: ${long.slice(0, 60)}…`,
    );
  });

  it('ask for a helpfulness before proving a rating', () => {
    expect(fields(ratingErrors(undefined))).toEqual(['helpfulness:chooseHelpfulness']);
    expect(ratingErrors('HELPFUL', ['CLEAR'])).toEqual([]);
  });

  it('ask for a tag with a Helpful or Not helpful rating, which a note needs to be settled', () => {
    expect(fields(ratingErrors('HELPFUL'))).toEqual(['tags:chooseTag']);
    expect(fields(ratingErrors('NOT_HELPFUL', []))).toEqual(['tags:chooseTag']);
    expect(ratingErrors('NOT_HELPFUL', ['INCORRECT'])).toEqual([]);
    // "Somewhat helpful" counts half either way; its tags stay optional.
    expect(ratingErrors('SOMEWHAT_HELPFUL', [])).toEqual([]);
  });
});
