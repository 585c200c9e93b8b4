// The prover's own requests (the group, the circuit files), with what went wrong said as a code
// the page translates: a generic PROVER failure told an offline or rate-limited member nothing.
import { retryAfterSeconds } from '@bridgenotes/protocol';

import { ProverError } from './backup';

/** `fetch(url)`, refusing with NETWORK (never reached the service) or RATE_LIMITED (429). */
export async function proverFetch(url: string): Promise<Response> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new ProverError('NETWORK', `${url}: ${(error as Error)?.message ?? error}`);
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
