// What a failed action tells the member, in the settings and the panel: the instance's refusal
// with its code, or, where the member can do something about it, what to do (check the
// connection, wait the seconds the instance asked for), as the widget says it.
import { InstanceError } from './instance';
import { t } from './strings';

const WAITS = new Set(['RATE_LIMITED', 'TOO_MANY_REQUESTS', 'PROOF_WITHDRAWN']);

export function failureMessage(error: unknown): string {
  if (error instanceof InstanceError) {
    if (error.code === 'NETWORK')
      return t('withCode', { message: t('failNetwork'), code: 'NETWORK' });
    // The limits that ask to wait; a daily quota keeps its own code and message.
    if (error.status === 429 && WAITS.has(error.code)) {
      const seconds = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
      const message =
        typeof seconds !== 'number'
          ? t('failRateLimited')
          : seconds === 1
            ? t('failRateLimitedWaitOne', { seconds })
            : t('failRateLimitedWait', { seconds });
      return t('withCode', { message, code: error.code });
    }
    return t('failed', { message: `${error.code}: ${error.message}` });
  }
  return t('failed', { message: (error as Error)?.message ?? String(error) });
}
