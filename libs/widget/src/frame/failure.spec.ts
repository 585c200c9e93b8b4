import { RequestError } from './api';
import { failureText } from './failure';
import { t } from './i18n';

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

  it('falls back to the status for a code it has no sentence for, never the English message', () => {
    const text = failureText(new RequestError('INVITE_DAILY_LIMIT', 'English words', {}, 429));
    expect(text).toContain(t('failRateLimited'));
    expect(text).toContain('INVITE_DAILY_LIMIT');
    expect(text).not.toContain('English words');
  });
});
