import { Injectable, Param, PipeTransform, Type } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';
import { setImmediate } from 'node:timers/promises';

import { documentParameterErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/error-catalogue';
import { CommunitySlugParams, SLUG_PATTERN } from '../common/slug';
import { createValidationPipe } from '../common/validation.pipe';
import { CommunitiesService, CommunityKey } from './communities.service';

const slugValidation = createValidationPipe();

/**
 * Turns a route's `:slug` into its community. Nest resolves a handler's arguments concurrently:
 * the lookup waits one turn of the event loop, so that the validation of the other arguments
 * (body, query, params: work done in promises, without I/O) answers first, as it did when
 * handlers looked the community up themselves. A 400 thus still wins over a 404 or a 409 (even
 * for a remembered mirrored community, refused without I/O), whatever the number of promise
 * steps each validation takes.
 */
@Injectable()
abstract class RouteCommunityPipe<T> implements PipeTransform<string, Promise<T>> {
  constructor(protected readonly communities: CommunitiesService) {}

  async transform(slug: string): Promise<T> {
    await setImmediate();
    await slugValidation.transform({ slug }, { type: 'param', metatype: CommunitySlugParams });
    return this.resolve(slug);
  }

  protected abstract resolve(slug: string): Promise<T>;
}

@Injectable()
export class CommunityPipe extends RouteCommunityPipe<Community> {
  protected resolve(slug: string): Promise<Community> {
    return this.communities.findBySlug(slug);
  }
}

@Injectable()
export class WritableCommunityPipe extends RouteCommunityPipe<Community> {
  protected resolve(slug: string): Promise<Community> {
    return this.communities.findWritable(slug);
  }
}

@Injectable()
export class CommunityKeyPipe extends RouteCommunityPipe<CommunityKey> {
  protected resolve(slug: string): Promise<CommunityKey> {
    return this.communities.keyOf(slug);
  }
}

@Injectable()
export class WritableCommunityKeyPipe extends RouteCommunityPipe<CommunityKey> {
  protected resolve(slug: string): Promise<CommunityKey> {
    return this.communities.writableKeyOf(slug);
  }
}

/** `read`: any community; `write`: not a mirrored one, whose data comes from its origin only. */
export type CommunityAccess = 'read' | 'write';

function routeCommunity(pipe: Type<PipeTransform>, access: CommunityAccess): ParameterDecorator {
  const errors: ErrorCode[] = ['VALIDATION_FAILED', 'COMMUNITY_NOT_FOUND'];
  if (access === 'write') errors.push('MIRROR_READ_ONLY');
  return (target, method, index) => {
    Param('slug', pipe)(target, method, index);
    if (method === undefined) return;
    const handler = Object.getOwnPropertyDescriptor(target, method) as PropertyDescriptor;
    ApiParam({
      name: 'slug',
      schema: { type: 'string', pattern: SLUG_PATTERN.source },
      example: 'demo',
    })(target, method, handler);
    documentParameterErrors(target, method, errors);
  };
}

/**
 * The community of the route's `:slug`, as its database row (`Community`); documents the
 * errors it answers (VALIDATION_FAILED, COMMUNITY_NOT_FOUND, and MIRROR_READ_ONLY for `write`).
 */
export const RouteCommunity = (access: CommunityAccess = 'read'): ParameterDecorator =>
  routeCommunity(access === 'write' ? WritableCommunityPipe : CommunityPipe, access);

/**
 * The community of the route's `:slug` as a `CommunityKey`: what the hot paths need, remembered
 * without a database round trip after the first time. Same errors as `RouteCommunity`.
 */
export const RouteCommunityKey = (access: CommunityAccess = 'read'): ParameterDecorator =>
  routeCommunity(access === 'write' ? WritableCommunityKeyPipe : CommunityKeyPipe, access);
