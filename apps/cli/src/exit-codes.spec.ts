import { apiErrorKind, EXIT, failureOf } from './exit-codes';

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
  it('says a coded 5xx is the instance failing, exit 3, not that no answer came', () => {
    expect(failureOf(apiError(503, 'ISSUER_KEYS_UNAVAILABLE', 'no issuer keys'))).toEqual({
      code: EXIT.UNREADABLE,
      message: 'the instance failed (503 ISSUER_KEYS_UNAVAILABLE): no issuer keys',
    });
  });

  it('says an unsaid 5xx or a proxy’s page is no answer, exit 3', () => {
    expect(failureOf(apiError(500, 'INTERNAL_ERROR', 'Internal server error'))).toEqual({
      code: EXIT.UNREADABLE,
      message: 'no answer from the instance: Internal server error',
    });
    expect(failureOf(apiError(502, 'RESPONSE_INVALID', 'not the API’s'))).toEqual({
      code: EXIT.UNREADABLE,
      message: 'no answer from the instance: not the API’s',
    });
  });

  it('says a refusal as it is, exit 1', () => {
    expect(failureOf(apiError(403, 'SELF_RATING', 'your own note'))).toEqual({
      code: EXIT.FINDINGS,
      message: 'your own note',
    });
  });
});
