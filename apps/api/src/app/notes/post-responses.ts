import { Injectable, type NestMiddleware } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import type { NextFunction, Request, Response } from 'express';

import { ResponseCache } from '../common/response-cache';

/** Reads may be cached, but must be revalidated (cheaply: If-None-Match gets 304). */
export const REVALIDATE = 'public, max-age=0, must-revalidate';

/**
 * `GET /posts` answers, for POST_CACHE_MS (a second by default): what the widget asks on every
 * page view of a post, the API's hottest read. Cleared by the notes service on every write that
 * changes a post's read.
 */
@Injectable()
export class PostResponseCache extends ResponseCache {
  constructor(env: Environment) {
    super(env.POST_CACHE_MS, 10_000, REVALIDATE);
  }
}

/** Answers `GET /posts` from the cache when it can, before validation and the controller. */
@Injectable()
export class PostResponsesMiddleware implements NestMiddleware {
  constructor(private readonly cache: PostResponseCache) {}

  use(request: Request, response: Response, next: NextFunction): Promise<void> {
    return this.cache.serve(request, response, next);
  }
}
