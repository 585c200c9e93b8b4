import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** What the edge learned about a request that code deep in a feature needs, per request. */
export interface RequestContext {
  /**
   * Verify this request's proof in a batch of its own: its client's last proof failed, and one
   * bad proof in a batch has every proof in it checked again (see ProofVerifier.verify).
   */
  proofsAlone: boolean;
  /**
   * Set by the throttler guard on a proven write: whether its client sent a proof that failed
   * since this request was admitted (then its proof is refused unverified), and the mark to make
   * when this request's proof fails.
   */
  proofSender?: { withdrawn: () => boolean; failed: () => void };
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * Opens the request's context. Registered after the body parsers: their stream callbacks run
 * outside any context opened before them.
 */
export function openRequestContext(_request: Request, _response: Response, next: NextFunction) {
  requestContext.run({ proofsAlone: false }, next);
}
