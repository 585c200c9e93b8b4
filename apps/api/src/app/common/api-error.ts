import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiErrorResponse } from '@bridgenotes/protocol';

import { ErrorArgs, ErrorCode, ERRORS } from './error-catalogue';

/** The one body every 4xx and 5xx answer has. */
export class ApiErrorBody implements ApiErrorResponse {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP reason phrase.' })
  error!: string;

  @ApiProperty({ example: 'No community with slug "news"' })
  message!: string;

  @ApiProperty({ example: 'COMMUNITY_NOT_FOUND', description: 'Stable code to switch on.' })
  code!: string;

  @ApiPropertyOptional({ description: 'Request id, also sent as the X-Request-Id header.' })
  requestId?: string;

  @ApiPropertyOptional({ description: 'Structured detail, e.g. one entry per invalid field.' })
  details?: unknown;
}

/**
 * An HTTP error with a stable code from the catalogue (`error-catalogue.ts`), which gives its
 * status; the exception filter turns it into an `ApiErrorBody`.
 */
export class ApiError extends HttpException {
  readonly code: string;

  /** The catalogue's status for `code`, with a message of the situation's own. */
  constructor(code: ErrorCode, message: string, details?: unknown);
  /**
   * @deprecated Only so that code written before the catalogue keeps compiling: add the code to
   * `ERRORS` and use `ApiError.of(code, …)` or `new ApiError(code, message)`.
   */
  constructor(status: HttpStatus, code: string, message: string, details?: unknown);
  constructor(first: ErrorCode | HttpStatus, second: string, third?: unknown, fourth?: unknown) {
    const catalogued = typeof first === 'string';
    const status = catalogued ? ERRORS[first].status : first;
    const code = catalogued ? first : second;
    const message = catalogued ? second : (third as string);
    const details = catalogued ? third : fourth;
    super({ code, message, details }, status);
    this.code = code;
  }

  /** The error `code` with its catalogued status and default message. */
  static of<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): ApiError {
    const message = (ERRORS[code].message as (...args: unknown[]) => string)(...args);
    return new ApiError(code, message);
  }

  /** The same error carrying structured detail (`details` of the body). */
  withDetails(details: unknown): ApiError {
    return new ApiError(this.getStatus(), this.code, this.message, details);
  }
}
