// A 429's Retry-After, read the same way by every client (the widget's page and prover, the
// extension), so that a rate-limited member is told how long to wait.

/** The Retry-After seconds of a 429 answer; undefined for any other answer or no usable value. */
export function retryAfterSeconds(response: {
  status: number;
  headers: { get(name: string): string | null };
}): number | undefined {
  if (response.status !== 429) return undefined;
  // Seconds only: an HTTP date is not what this service sends.
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : undefined;
}
