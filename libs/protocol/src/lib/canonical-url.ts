/** URLs longer than this are refused: no real article needs more, and keys stay indexable. */
export const MAX_URL_LENGTH = 2048;

/** Query parameters that only say where a click came from, never which page it is. */
const TRACKING_PARAMETERS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'igshid',
  'yclid',
  'twclid',
  '_ga',
  '_gl',
  'ref_src',
  'ref_url',
]);

const isTracking = (name: string) =>
  name.toLowerCase().startsWith('utm_') || TRACKING_PARAMETERS.has(name.toLowerCase());

export class InvalidPostUrlError extends Error {
  override name = 'InvalidPostUrlError';
}

/**
 * The one form of a post's URL, so the same article reached by two links is one post:
 * scheme and host lowercased (WHATWG URL parsing does both, and punycodes the host), default
 * ports and the fragment dropped, tracking parameters removed, the remaining parameters sorted
 * by name (stable for repeated names), the path's case kept. Documented in docs/protocol.md.
 */
export function canonicalPostUrl(input: string): string {
  if (input.length > MAX_URL_LENGTH) {
    throw new InvalidPostUrlError(`url must be at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new InvalidPostUrlError('url is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidPostUrlError('url must use http or https');
  }
  if (url.username || url.password) {
    throw new InvalidPostUrlError('url must not contain credentials');
  }
  url.hash = '';
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTracking(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  const canonical = url.toString();
  if (canonical.length > MAX_URL_LENGTH) {
    throw new InvalidPostUrlError(`url must be at most ${MAX_URL_LENGTH} characters`);
  }
  return canonical;
}
