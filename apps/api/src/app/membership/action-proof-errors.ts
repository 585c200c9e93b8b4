import type { ErrorCode } from '../common/error-catalogue';

/**
 * What every proven write can answer besides its own errors: an invalid body, each failure of
 * the shared proof check (400 for a malformed or mismatched proof, 403 for one that does not
 * show membership, whose root has fewer members than the instance's minimum or whose pseudonym
 * a moderator blocked), a verifier that is restarting or has too many proofs waiting (503: send
 * the same request again), and the client's write budget spent or its other proof failed while
 * this one waited (429).
 */
export const PROVEN_WRITE_ERRORS: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'PROOF_MALFORMED',
  'PROOF_DEPTH',
  'PROOF_SCOPE',
  'PROOF_MESSAGE',
  'PROOF_STALE',
  'PROOF_ROOT_UNKNOWN',
  'PROOF_ROOT_EXPIRED',
  'PROOF_ROOT_TOO_SMALL',
  'PROOF_INVALID',
  'PROOF_VERIFIER_BUSY',
  'PROOF_VERIFIER_UNAVAILABLE',
  'PROOF_WITHDRAWN',
  'PSEUDONYM_BLOCKED',
  'RATE_LIMITED',
];
