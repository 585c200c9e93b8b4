import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { Request, Response } from 'express';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';

import { FloodFigures } from './flood-figures';
import { RateLimitBudgets } from './rate-limit-budgets';

/**
 * Code of a proof that reached the Groth16 check and failed it: the expensive failure. Failures
 * caught by the cheap checks before it (scope, root, message) cost the API little and count once.
 */
const COSTLY_FAILURE = 'PROOF_INVALID';
/** The verifier's queue was full: the request was shed before any work, so retry soon. */
const SHED = 'PROOF_VERIFIER_BUSY';
/** Refused unverified: another proof of its client failed while it waited. */
const WITHDRAWN = 'PROOF_WITHDRAWN';

function codeOf(error: unknown): string | undefined {
  const body = error instanceof HttpException ? error.getResponse() : undefined;
  return typeof body === 'object' && body ? String((body as { code?: unknown }).code) : undefined;
}

/**
 * What a proof's failure costs its sender: a PROOF_INVALID write is charged
 * RATE_LIMIT_FAILED_PROOF_COST proven writes in all (the client was marked when its proof
 * failed, and its next proofs are verified alone, never in a batch with members' proofs); a shed
 * or withdrawn write gets Retry-After. Each is counted in the flood figures.
 */
@Injectable()
export class ProofFailuresInterceptor implements NestInterceptor {
  constructor(
    private readonly budgets: RateLimitBudgets,
    private readonly env: Environment,
    private readonly figures: FloodFigures,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const code = codeOf(error);
        const http = context.switchToHttp();
        const request = http.getRequest<Request>();
        const response = http.getResponse<Response>();
        if (code === SHED || code === WITHDRAWN) response.setHeader('Retry-After', 1);
        if (code === SHED) this.figures.proofRefused('shed');
        if (code === WITHDRAWN) this.figures.proofRefused('withdrawn');
        if (code !== COSTLY_FAILURE) return throwError(() => error);
        this.figures.proofRefused('invalid');
        // The client was marked when its proof failed (ActionProofsService's onInvalid).
        const extra = this.env.RATE_LIMIT_FAILED_PROOF_COST - 1;
        if (extra < 1) return throwError(() => error);
        return from(this.budgets.spend(request, response, 'writes', extra)).pipe(
          switchMap(() => throwError(() => error)),
        );
      }),
    );
  }
}
