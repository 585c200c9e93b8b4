import { RequestError } from './api';
import { failureText } from './failure';
import { t, useLocale } from './i18n';

describe("a refusal's sentence", () => {
  it('names the day a credential account may replace a lost identity again', () => {
    const refusal = new RequestError(
      'IDENTITY_REPLACED_RECENTLY',
      'This account replaced a lost identity less than 30 days ago…',
      { replaceableFrom: '2027-01-05' },
      409,
    );
    expect(failureText(refusal, { IDENTITY_REPLACED_RECENTLY: 'ticketReplacedRecently' })).toBe(
      t('withCode', {
        message:
          'Your account replaced a lost identity recently: it can replace one again from 2027-01-05 (UTC). Until then, restore the identity it has from its backup.',
        code: 'IDENTITY_REPLACED_RECENTLY',
      }),
    );
  });

  it('says what the prover met, and a refusal that trying later would not change', () => {
    expect(failureText(new RequestError('PROVER', 'The prover stopped'))).toContain(
      t('failProver'),
    );
    expect(failureText(new RequestError('CIRCUIT_MISMATCH', 'not the pinned one'))).toContain(
      t('failCircuitMismatch'),
    );
    const deleted = failureText(new RequestError('NOTE_DELETED', '', undefined, 409));
    expect(deleted).toContain(t('failNoteDeleted'));
    expect(deleted).not.toContain(t('failGeneric'));
    const hidden = failureText(new RequestError('NOTE_NOT_FOUND', '', undefined, 404));
    expect(hidden).toContain(t('failNoteNotShown'));
    expect(hidden).not.toContain(t('failGeneric'));
    for (const code of ['SELF_RATING', 'MIRROR_READ_ONLY', 'GROUP_FULL', 'JOIN_WORK_REQUIRED']) {
      expect(failureText(new RequestError(code, '', undefined, 409))).not.toContain(
        t('failGeneric'),
      );
    }
  });

  it('says how many members a community below the minimum anonymity set needs, in each language', () => {
    const refusal = new RequestError(
      'PROOF_ROOT_TOO_SMALL',
      'This community needs 20 members…',
      { required: 20, members: 3 },
      403,
    );
    expect(failureText(refusal)).toBe(
      t('withCode', {
        message:
          'This community needs 20 members before anyone can write, rate or invite here, so that no one is hidden among too few; it has 3. Try again once more members have joined.',
        code: 'PROOF_ROOT_TOO_SMALL',
      }),
    );
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    useLocale('fr');
    try {
      expect(failureText(refusal)).toMatch(
        /^Cette communauté doit compter 20 membres .* elle en compte 3\. /,
      );
    } finally {
      useLocale('en');
    }
  });

  it('falls back to the status for a code it has no sentence for, never the English message', () => {
    const text = failureText(new RequestError('INVITE_DAILY_LIMIT', 'English words', {}, 429));
    expect(text).toContain(t('failRateLimited'));
    expect(text).toContain('INVITE_DAILY_LIMIT');
    expect(text).not.toContain('English words');
  });

  it('tells an offline member to check the connection, and a rate-limited one how long to wait', () => {
    expect(failureText(new RequestError('NETWORK', 'Failed to fetch'))).toContain(t('failNetwork'));
    const limited = failureText(new RequestError('RATE_LIMITED', '', { retryAfter: 30 }, 429));
    expect(limited).toContain(t('failRateLimitedWait', { seconds: 30 }));
    expect(limited).toContain('30');
    // One second, in the singular, in each language.
    expect(failureText(new RequestError('RATE_LIMITED', '', { retryAfter: 1 }, 429))).toBe(
      'Too many requests from this connection just now. Wait 1 second and try again. (code RATE_LIMITED)',
    );
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    useLocale('fr');
    try {
      expect(failureText(new RequestError('RATE_LIMITED', '', { retryAfter: 1 }, 429))).toContain(
        'Attendez 1 seconde puis',
      );
    } finally {
      useLocale('en');
    }
    // Without a Retry-After: the sentence that says to wait a minute.
    expect(failureText(new RequestError('TOO_MANY_REQUESTS', '', undefined, 429))).toContain(
      t('failRateLimited'),
    );
  });
});

describe('a proof refused before the seal (NOT_SEALED)', () => {
  // The prover says the seal wait it was given, in hours (libs/protocol `pendingJoinSealHours`).
  const of = (details?: unknown) =>
    failureText(new RequestError('NOT_SEALED', 'English words', details));
  const quiet = /a few hours in a quiet community/;

  it('promises no time where the instance seals by K members only', () => {
    expect(of({ sealHours: null })).toMatch(
      /^Your membership is not sealed yet, .* once enough members have joined; this has no set time/,
    );
    expect(of({ sealHours: null })).not.toMatch(/minutes|hours?\b/);
  });

  it('says the instance’s longest wait, in hours, where it has one', () => {
    expect(of({ sealHours: 6 })).toMatch(/at the latest about 6 hours after you joined\./);
    expect(of({ sealHours: 1 })).toMatch(/at the latest about an hour after you joined\./);
    expect(of({ sealHours: 6 })).not.toMatch(quiet);
  });

  it('keeps the general wording where the instance says no wait (an older API)', () => {
    expect(of()).toMatch(quiet);
    expect(of({})).toBe(of());
    expect(of({ sealHours: 'six' })).toBe(of());
  });

  it('says each in French', () => {
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    useLocale('fr');
    try {
      expect(of({ sealHours: null })).toMatch(
        /^Votre adhésion n’est pas encore scellée, .* aucun délai n’est fixé/,
      );
      expect(of({ sealHours: 6 })).toMatch(/au plus tard environ 6 heures après votre adhésion\./);
      expect(of({ sealHours: 1 })).toMatch(/au plus tard environ une heure après votre adhésion\./);
      expect(of()).toMatch(/quelques heures dans une communauté calme\./);
    } finally {
      useLocale('en');
    }
  });
});

describe('a refusal the widget has no sentence of its own for', () => {
  it('quotes the API’s message (a rule the form does not check, a newer API’s code), with its code', () => {
    const refused = new RequestError(
      'TEXT_INVALID',
      'text must be 1 to 280 characters, each URL counting as one (it has 300)',
      undefined,
      400,
    );
    expect(failureText(refused)).toBe(
      'The service refused it: “text must be 1 to 280 characters, each URL counting as one (it has 300)” (code TEXT_INVALID)',
    );
    expect(
      failureText(new RequestError('NOTE_TOPIC_CLOSED', ' Closed for now ', undefined, 403)),
    ).toBe('The service refused it: “Closed for now” (code NOTE_TOPIC_CLOSED)');
    // A long one (a refused list of sources) is shortened.
    const long = failureText(new RequestError('SOURCES_INVALID', 'x'.repeat(5000), undefined, 400));
    expect(long.length).toBeLessThan(400);
    expect(long).toMatch(/x…” \(code SOURCES_INVALID\)$/);
  });

  it('says the generic sentence when the answer had no message, never "undefined"', () => {
    for (const message of ['', '   ']) {
      const said = failureText(new RequestError('HTTP_ERROR', message, undefined, 413));
      expect(said).toBe('Something went wrong. Try again later. (code HTTP_ERROR)');
    }
    expect(failureText({ code: 'ERROR' } as unknown as Error)).not.toMatch(/undefined/);
  });

  it('never quotes a 5xx’s message, the network’s or the prover’s: the widget’s sentences say those', () => {
    expect(failureText(new RequestError('SOMETHING_NEW', 'stack trace', undefined, 500))).toBe(
      `${t('failServer')} (code SOMETHING_NEW)`,
    );
    expect(failureText(new RequestError('NETWORK', 'Failed to fetch'))).toBe(
      `${t('failNetwork')} (code NETWORK)`,
    );
    expect(failureText(new RequestError('SOMETHING_LOCAL', 'worker words'))).toBe(
      `${t('failGeneric')} (code SOMETHING_LOCAL)`,
    );
  });

  it('says a community gone since the page was loaded with reloading, not its slug', () => {
    expect(
      failureText(
        new RequestError('COMMUNITY_NOT_FOUND', 'No community with slug "news"', undefined, 404),
      ),
    ).toBe(`${t('failCommunityGone')} (code COMMUNITY_NOT_FOUND)`);
  });

  it('says a proof the API does not take as made (another version of the widget) with reloading', () => {
    for (const code of [
      'PROOF_MALFORMED',
      'PROOF_DEPTH',
      'PROOF_SCOPE',
      'PROOF_MESSAGE',
      'PROOF_INVALID',
    ]) {
      expect(failureText(new RequestError(code, 'English words', undefined, 400))).toBe(
        `${t('failProofRefused')} (code ${code})`,
      );
    }
  });
});
