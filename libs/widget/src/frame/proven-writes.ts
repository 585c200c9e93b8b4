// A proven write sent so that a retry never writes it twice. An answer lost on its way back (the
// network, a 5xx) may follow a write the API stored: sent again unchanged, the same proof is
// answered with what it stored or holds waiting (the API finds a note by its proof's message, and
// answers its very proof even once its minute is stale or its root expired), where a new proof,
// of a later minute, would carry another message and be a second note against the daily quota.
// The extension's panel sends its notes through it too (`@bridgenotes/widget`): its InstanceError
// has the same `code` and `status` (0 for NETWORK), read here as they are, not by their class.

/**
 * Refusals that mean the kept proof will not be accepted any more: proven anew, once. The API
 * never took it (a note it took is answered to its kept proof at any time, a note hidden since
 * with NOTE_NOT_FOUND, which is final and not here), so no copy follows.
 */
const OUTDATED = new Set([
  'PROOF_ROOT_EXPIRED',
  'PROOF_ROOT_UNKNOWN',
  'PROOF_STALE',
  // Its root had too few members; the group may have grown since: the new proof says.
  'PROOF_ROOT_TOO_SMALL',
]);
/**
 * The verifier's queue was full: the write was refused before any work, with Retry-After: 1
 * (docs/operations.md), and is sent again after that second.
 */
const BUSY = 'PROOF_VERIFIER_BUSY';
const BUSY_WAIT_SECONDS = 1;

/** An API refusal or a network failure: the frame's RequestError or the extension's InstanceError. */
const refusal = (error: unknown): { code: string; status?: unknown } | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? { code: error.code, status: 'status' in error ? error.status : undefined }
    : undefined;

const code = (error: unknown): string | undefined => refusal(error)?.code;

/** Whether the write may have reached the API, or was refused for a passing reason. */
const mayResend = (error: unknown): boolean => {
  const refused = refusal(error);
  if (!refused) return false;
  return (
    refused.code === 'NETWORK' || (typeof refused.status === 'number' && refused.status >= 500)
  );
};

/**
 * Each action's kept proven body (by `memberAction` key in the frame, by follow and identity in
 * the extension's panel: it outlasts a render of the form).
 */
const kept = new Map<string, { draft: string; body: unknown }>();

/**
 * Sends `action`'s write of `draft` (what the proof says, for the identity proving it): the body
 * kept from an earlier try of the same draft that may have reached the API, else `prove`'s; sent
 * once more after a busy verifier's Retry-After (`waiting` says so), and proven anew once when the kept
 * proof is refused as outdated. A failure that may have reached the API keeps the body.
 */
export async function sendProven<B, R>(
  action: string,
  draft: string,
  prove: () => Promise<B>,
  send: (body: B) => Promise<R>,
  waiting: (seconds: number) => void,
): Promise<R> {
  const earlier = kept.get(action);
  kept.delete(action);
  const reused = earlier?.draft === draft ? (earlier.body as B) : undefined;
  const body = reused ?? (await prove());
  const sendOnceMoreIfBusy = async (): Promise<R> => {
    try {
      return await send(body);
    } catch (error) {
      if (code(error) !== BUSY) throw error;
      waiting(BUSY_WAIT_SECONDS);
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_SECONDS * 1000));
      return send(body);
    }
  };
  try {
    return await sendOnceMoreIfBusy();
  } catch (error) {
    if (reused !== undefined && OUTDATED.has(code(error) ?? '')) {
      return sendProven(action, draft, prove, send, waiting);
    }
    if (mayResend(error)) kept.set(action, { draft, body });
    throw error;
  }
}
