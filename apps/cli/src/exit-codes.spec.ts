import { apiErrorKind, apiFailureLine, EXIT, failureOf } from './exit-codes';

/** An ApiRequestError as failureOf sees it: by its name, status and code. */
const apiError = (status: number, code: string, message: string) =>
  Object.assign(new Error(message), { name: 'ApiRequestError', status, code });

describe('apiErrorKind', () => {
  it('is no answer for an answer not the API’s, or a 5xx that says nothing of why', () => {
    expect(apiErrorKind(502, 'RESPONSE_INVALID')).toBe('unanswered');
    expect(apiErrorKind(404, 'RESPONSE_INVALID')).toBe('unanswered');
    expect(apiErrorKind(500, 'INTERNAL_ERROR')).toBe('unanswered');
    expect(apiErrorKind(503, 'SERVICE_UNAVAILABLE')).toBe('unanswered');
    expect(apiErrorKind(502, 'HTTP_502')).toBe('unanswered');
    expect(apiErrorKind(500, 'UNKNOWN')).toBe('unanswered');
  });

  it('is the instance failing for a 5xx with a code of the API’s own', () => {
    expect(apiErrorKind(503, 'CREDENTIALS_UNCONFIGURED')).toBe('failed');
    expect(apiErrorKind(503, 'ISSUER_KEYS_UNAVAILABLE')).toBe('failed');
    expect(apiErrorKind(503, 'DATABASE_BUSY')).toBe('failed');
  });

  it('is a refusal for any other answer', () => {
    expect(apiErrorKind(409, 'RATING_OUTDATED')).toBe('refused');
    expect(apiErrorKind(403, 'SELF_RATING')).toBe('refused');
  });
});

describe('failureOf an API error', () => {
  it.each([
    // A coded 5xx is the instance failing, not that no answer came.
    [
      503,
      'ISSUER_KEYS_UNAVAILABLE',
      'no issuer keys',
      EXIT.UNREADABLE,
      'the instance failed (503 ISSUER_KEYS_UNAVAILABLE): no issuer keys',
    ],
    [
      500,
      'INTERNAL_ERROR',
      'Internal server error',
      EXIT.UNREADABLE,
      'no answer from the instance: Internal server error',
    ],
    [
      502,
      'RESPONSE_INVALID',
      'not the API’s',
      EXIT.UNREADABLE,
      'no answer from the instance: not the API’s',
    ],
    [403, 'SELF_RATING', 'your own note', EXIT.FINDINGS, 'your own note'],
  ])('says %i %s as it is, with its exit code', (status, code, message, exit, said) => {
    expect(failureOf(apiError(status, code, message))).toEqual({ code: exit, message: said });
  });
});

describe('apiFailureLine', () => {
  it('warns after a write that any 5xx may follow a send that was stored', () => {
    const warning = '; the write may have been stored: look before running it again';
    expect(apiFailureLine(502, 'RESPONSE_INVALID', 'not JSON', true)).toBe(
      `no answer from the instance (502 RESPONSE_INVALID): not JSON${warning}`,
    );
    expect(apiFailureLine(503, 'DATABASE_BUSY', 'busy', true)).toBe(
      `the instance failed (503 DATABASE_BUSY): busy${warning}`,
    );
    expect(apiFailureLine(503, 'DATABASE_BUSY', 'busy', false)).toBe(
      'the instance failed (503 DATABASE_BUSY): busy',
    );
    expect(apiFailureLine(409, 'RATING_OUTDATED', 'newer', true)).toBe(
      'refused (409 RATING_OUTDATED): newer',
    );
  });
});
