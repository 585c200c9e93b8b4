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

import { RateLimitBudgets } from './rate-limit-budgets';

/**
 * Codes of a proof that reached the Groth16 check and failed it: the expensive failure, which
 * costs the sender RATE_LIMIT_FAILED_PROOF_COST proven writes instead of one. Failures caught by
 * the cheap checks before it (scope, root, message) cost the API little and count once.
 */
export const COSTLY_PROOF_FAILURES = new Set(['PROOF_INVALID']);

@Injectable()
export class FailedProofCostInterceptor implements NestInterceptor {
  constructor(
    private readonly budgets: RateLimitBudgets,
    private readonly env: Environment,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const body = error instanceof HttpException ? error.getResponse() : undefined;
        const code = typeof body === 'object' && body ? (body as { code?: unknown }).code : '';
        if (!COSTLY_PROOF_FAILURES.has(String(code)) || this.env.RATE_LIMIT_FAILED_PROOF_COST < 2) {
          return throwError(() => error);
        }
        const http = context.switchToHttp();
        return from(
          this.budgets.spend(
            http.getRequest<Request>(),
            http.getResponse<Response>(),
            'writes',
            this.env.RATE_LIMIT_FAILED_PROOF_COST - 1,
          ),
        ).pipe(switchMap(() => throwError(() => error)));
      }),
    );
  }
}
