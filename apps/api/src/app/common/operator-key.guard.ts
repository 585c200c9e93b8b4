import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

import { ApiError } from './api-error';
import { ApiErrors } from './api-errors.decorator';

export const OPERATOR_AUTH = 'operator-key';

/**
 * Whether an `Authorization` header carries the operator key: as a bearer token (API clients),
 * or as the password of HTTP Basic auth (a browser opening the queue dashboard). Only the key's
 * SHA-256 is configured, and digests are compared in constant time, so neither the
 * configuration nor response timing gives the key away.
 */
export function checkOperatorKey(
  env: Environment,
  authorization: string | undefined,
): 'ok' | 'disabled' | 'invalid' {
  const digest = env.OPERATOR_API_KEY_SHA256;
  if (!digest) return 'disabled';
  const header = authorization ?? '';
  const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
  const key =
    bearer ??
    (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : '');
  const presented = createHash('sha256').update(key).digest();
  return key && timingSafeEqual(presented, Buffer.from(digest, 'hex')) ? 'ok' : 'invalid';
}

/** Admits requests bearing the operator key (`Authorization: Bearer <key>`). */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  constructor(private readonly env: Environment) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization;
    switch (checkOperatorKey(this.env, header)) {
      case 'ok':
        return true;
      case 'disabled':
        throw ApiError.of('OPERATOR_DISABLED');
      default:
        throw ApiError.of('OPERATOR_KEY_INVALID');
    }
  }
}

/** Marks an operator endpoint: guarded by the key, and documented as such in OpenAPI. */
export function OperatorOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(OperatorKeyGuard),
    ApiBearerAuth(OPERATOR_AUTH),
    ApiErrors('OPERATOR_KEY_INVALID', 'OPERATOR_DISABLED'),
  );
}
