// The API, on this frame's own origin. Answers are typed by the shapes the API declares
// (libs/protocol's http-shapes), never by copies of them.
import { type ApiErrorResponse, retryAfterSeconds, ServerClock } from '@bridgenotes/protocol';

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The HTTP status of an API refusal; absent for a failure on the device or the network. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The instance's clock, from its answers: the minute a write proves is the instance's. */
export const instanceClock = new ServerClock();

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }).catch((error: unknown) => {
    throw new RequestError('NETWORK', (error as Error).message);
  });
  instanceClock.observe(response.headers);
  const body = (await response.json().catch(() => ({}))) as T & Partial<ApiErrorResponse>;
  if (!response.ok) {
    // Whatever answered (the API, a proxy's page): its code and message as text, else none.
    const refused = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    // A 429's Retry-After (seconds), for the member to be told how long to wait.
    const retryAfter = retryAfterSeconds(response);
    const details =
      retryAfter === undefined
        ? refused['details']
        : { ...(refused['details'] as object | undefined), retryAfter };
    throw new RequestError(
      typeof refused['code'] === 'string' ? refused['code'] : 'HTTP_ERROR',
      typeof refused['message'] === 'string' ? refused['message'] : '',
      details,
      response.status,
    );
  }
  return body;
}

export const communityPath = (slug: string): string => `/communities/${encodeURIComponent(slug)}`;
