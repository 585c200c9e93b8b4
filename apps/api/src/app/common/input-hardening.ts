import { HttpStatus } from '@nestjs/common';
import { findForbiddenCharacter, formatCodePoint } from '@bridgenotes/protocol';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';

import { ApiError } from './api-error';

/**
 * Deepest nesting of arrays and objects a JSON body may have. Our deepest DTO (a note's post
 * reference) is 2 levels and a proof 3; class-transformer and class-validator recurse once per
 * level, so thousands of levels (30 kB fits in the body limit) would exhaust the stack.
 */
export const MAX_JSON_DEPTH = 16;

const OPEN = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The body parsers' error shape (http-errors), so the exception filter maps it like theirs. */
class BodyRefusal extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = HttpStatus.BAD_REQUEST,
  ) {
    super(message);
  }
}

/**
 * The JSON parser's `verify` hook: refuses a charset other than UTF-8 (RFC 8259 §8.1), then
 * counts nesting on the raw bytes before `JSON.parse` builds anything. body-parser takes any
 * `utf-*` charset and decodes only after this hook (`charset` is its lowercased name, absent
 * meaning UTF-8); byte-wise is exact for UTF-8 only, whose multi-byte sequences never contain
 * ASCII bytes. In UTF-16 a `\` (5C 00) skipped the wrong byte and 0x22 or 0x5B bytes inside
 * other code units were read as quotes and brackets, so thousands of levels passed the count.
 */
export function limitJsonDepth(maxDepth: number) {
  return (
    _request: IncomingMessage,
    _response: unknown,
    body: Buffer,
    charset?: string | null,
  ): void => {
    if (charset && charset.toLowerCase() !== 'utf-8') {
      throw new BodyRefusal(
        'charset.unsupported',
        `unsupported charset "${charset.toUpperCase()}"`,
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    let depth = 0;
    let inString = false;
    for (let index = 0; index < body.length; index += 1) {
      const byte = body[index];
      if (inString) {
        if (byte === BACKSLASH) index += 1;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN || byte === OPEN_OBJECT) {
        depth += 1;
        if (depth > maxDepth) {
          throw new BodyRefusal(
            'entity.too.deep',
            `The request body nests arrays and objects more than ${maxDepth} levels deep`,
          );
        }
      } else if (byte === CLOSE || byte === CLOSE_OBJECT) {
        depth -= 1;
      }
    }
  };
}

function forbiddenIn(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') {
    const codePoint = findForbiddenCharacter(value);
    return codePoint === undefined
      ? undefined
      : `${where} contains ${formatCodePoint(codePoint)}, which is not allowed in any text`;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = forbiddenIn(value[index], `${where}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found =
        forbiddenIn(key, `a field name in ${where}`) ?? forbiddenIn(item, `${where}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    // Malformed escapes are Express's to refuse (400) when it decodes the route's parameters.
    return '';
  }
}

/**
 * Refuses, before any route runs, a request whose path, query or body holds U+0000, a
 * noncharacter or a lone surrogate (`findForbiddenCharacter`), naming where. PostgreSQL cannot
 * store U+0000 and would fail mid-request; the others are never legitimate text.
 */
export function refuseForbiddenCharacters(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const found =
    forbiddenIn(decodedPath(request.path), 'path') ??
    forbiddenIn(request.query, 'query') ??
    forbiddenIn(request.body, 'body');
  next(found ? new ApiError('FORBIDDEN_CHARACTER', found) : undefined);
}

/** Whether a request carries a body: chunked, or a Content-Length above 0. */
function carriesBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * Refuses with 415 a body that is not JSON (`Content-Type: application/json`, what the JSON
 * parser reads), before any parser: unread, it reached the route as `{}`, and was answered with
 * the first missing field ("commitment must be…") rather than what was wrong. Form bodies too:
 * no route takes one (the console sends JSON), and the OpenAPI document declares JSON only.
 */
export function refuseNonJsonBodies(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  next(
    carriesBody(request) && request.is('application/json') === false
      ? new ApiError(
          'UNSUPPORTED_MEDIA_TYPE',
          'The request body must be JSON, sent with Content-Type: application/json',
        )
      : undefined,
  );
}
