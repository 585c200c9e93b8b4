import { HttpException } from '@nestjs/common';
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
  readonly code: ErrorCode;

  /** The catalogue's status for `code`, with a message of the situation's own. */
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super({ code, message, details }, ERRORS[code].status);
    this.code = code;
  }

  /** The error `code` with its catalogued status and default message. */
  static of<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): ApiError {
    const message = (ERRORS[code].message as (...args: unknown[]) => string)(...args);
    return new ApiError(code, message);
  }

  /** The same error carrying structured detail (`details` of the body). */
  withDetails(details: unknown): ApiError {
    return new ApiError(this.code, this.message, details);
  }
}
