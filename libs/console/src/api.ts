/**
 * The console's calls to this instance's API with the key the person signed in with. The key
 * lives in the tab's session storage only: closing the tab forgets it, and no cookie carries it
 * to a request the page did not make.
 */
const KEY = 'bridgenotes.console.key';
const COMMUNITY = 'bridgenotes.console.community';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  /** A moderator key is scoped to one community: the one it signed in to. */
  community: (): string | null => sessionStorage.getItem(COMMUNITY),
  signIn(key: string, community: string): void {
    sessionStorage.setItem(KEY, key);
    if (community) sessionStorage.setItem(COMMUNITY, community);
    else sessionStorage.removeItem(COMMUNITY);
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(COMMUNITY);
  },
};

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The body's structured detail, e.g. which commitments a member batch was refused for. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = session.key();
  if (key) headers['Authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not the API's JSON: a proxy's error page, say. Its status is what there is to tell.
    throw new ApiFailure(
      response.status,
      response.ok ? 'RESPONSE_INVALID' : `HTTP_${response.status}`,
      `${response.status} ${response.statusText}: the answer is not the API's (a proxy's page?)`.trim(),
    );
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as {
      code?: string;
      message?: string | string[];
      details?: unknown;
    };
    const message = Array.isArray(error.message) ? error.message.join('; ') : error.message;
    throw new ApiFailure(
      response.status,
      error.code ?? 'HTTP_' + response.status,
      message ?? '',
      error.details,
    );
  }
  return parsed as T;
}

export const communityPath = (slug: string, rest = '') =>
  `/communities/${encodeURIComponent(slug)}${rest}`;
