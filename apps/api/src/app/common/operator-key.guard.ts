import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  HttpStatus,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

import { ApiError, ApiErrorBody } from './api-error';

export const OPERATOR_AUTH = 'operator-key';

/**
 * Admits requests bearing the operator key (`Authorization: Bearer <key>`). Only the key's
 * SHA-256 is configured, and digests are compared in constant time, so neither the
 * configuration nor response timing gives the key away.
 */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(env: Environment) {
    const digest = env.OPERATOR_API_KEY_SHA256;
    this.expected = digest ? Buffer.from(digest, 'hex') : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'OPERATOR_DISABLED',
        'Operator endpoints are disabled: OPERATOR_API_KEY_SHA256 is not configured',
      );
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    const presented = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(presented, this.expected)) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'OPERATOR_KEY_INVALID',
        'A valid operator key is required (Authorization: Bearer <key>)',
      );
    }
    return true;
  }
}

/** Marks an operator endpoint: guarded by the key, and documented as such in OpenAPI. */
export function OperatorOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(OperatorKeyGuard),
    ApiBearerAuth(OPERATOR_AUTH),
    ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'OPERATOR_KEY_INVALID' }),
    ApiForbiddenResponse({ type: ApiErrorBody, description: 'OPERATOR_DISABLED' }),
  );
}
