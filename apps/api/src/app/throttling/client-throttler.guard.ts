import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';

import { requestContext } from '../common/request-context';
import { RateLimitBudgets } from './rate-limit-budgets';
import type { RateLimitClass } from './rate-limit-class';

/**
 * `@nestjs/throttler`'s guard with one named throttler per class of route (each skips the
 * routes of other classes), spending from `RateLimitBudgets`: buckets keyed by the client's
 * keyed hash and class (not per route), standard headers, and our error shape.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly budgets: RateLimitBudgets,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest({
    context,
    throttler,
  }: ThrottlerRequest): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const rateLimitClass = throttler.name as RateLimitClass;
    await this.budgets.spend(request, http.getResponse<Response>(), rateLimitClass);
    const store = requestContext.getStore();
    if (store && rateLimitClass === 'writes') {
      const admittedAt = Date.now();
      store.proofsAlone = this.budgets.isSuspect(request);
      store.proofSender = {
        withdrawn: () => this.budgets.failedSince(request, admittedAt),
        failed: () => this.budgets.markSuspect(request),
      };
    }
    return true;
  }
}
