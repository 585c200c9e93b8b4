import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import type { Request } from 'express';

import { OperatorKeyGuard } from '../common/operator-key.guard';

/** The classes of route, each with its own per-client budget (RATE_LIMIT_<CLASS>). */
export const RATE_LIMIT_CLASSES = ['reads', 'joins', 'writes', 'operator'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

const CLASS_METADATA = 'bridgenotes:rate-limit-class';

/** Puts a route in a class other than the one its method and guard imply (joining: `joins`). */
export const RateLimited = (rateLimitClass: RateLimitClass) =>
  SetMetadata(CLASS_METADATA, rateLimitClass);

function guardedByOperatorKey(target: object): boolean {
  const guards = (Reflect.getMetadata(GUARDS_METADATA, target) ?? []) as unknown[];
  return guards.includes(OperatorKeyGuard);
}

/**
 * A route's class: as marked with `@RateLimited`, else `operator` for routes behind the operator
 * key, `reads` for GET and HEAD, and `writes` for everything else a member sends.
 */
export function routeRateLimitClass(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a route handler
  handler: Function,
  controller: object,
  method: string,
): RateLimitClass {
  const marked = Reflect.getMetadata(CLASS_METADATA, handler) as RateLimitClass | undefined;
  if (marked) return marked;
  if (guardedByOperatorKey(handler) || guardedByOperatorKey(controller)) return 'operator';
  return method === 'GET' || method === 'HEAD' ? 'reads' : 'writes';
}

/** The class of the route an execution context runs. */
export function rateLimitClassOf(context: ExecutionContext): RateLimitClass {
  const { method } = context.switchToHttp().getRequest<Request>();
  return routeRateLimitClass(context.getHandler(), context.getClass(), method);
}
