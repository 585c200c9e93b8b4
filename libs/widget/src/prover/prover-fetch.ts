// The prover's own requests (the group, the circuit files), with what went wrong said as a code
// the page translates: a generic PROVER failure told an offline or rate-limited member nothing.
import { retryAfterSeconds } from '@bridgenotes/protocol';

import { ProverError } from './backup';

const lost = (url: string, error: unknown) =>
  new ProverError('NETWORK', `${url}: ${(error as Error)?.message ?? error}`);

/** `fetch(url)`, refusing with NETWORK (never reached the service) or RATE_LIMITED (429). */
export async function proverFetch(url: string): Promise<Response> {
  const response = await fetch(url).catch((error: unknown) => {
    throw lost(url, error);
  });
  if (response.status === 429) {
    const retryAfter = retryAfterSeconds(response);
    throw new ProverError(
      'RATE_LIMITED',
      `${url}: HTTP 429`,
      retryAfter === undefined ? undefined : { retryAfter },
    );
  }
  return response;
}

/**
 * A body of `url`'s answer being read (`response.arrayBuffer()`, `response.json()`), refusing
 * with NETWORK when the download is cut short (the connection dropped mid-way through a circuit
 * file): not the prover stopping, which tells the member to reload. An answer that is no JSON
 * stays the SyntaxError it is.
 */
export function readBody<T>(url: string, read: Promise<T>): Promise<T> {
  return read.catch((error: unknown) => {
    throw (error as Error)?.name === 'SyntaxError' ? error : lost(url, error);
  });
}
