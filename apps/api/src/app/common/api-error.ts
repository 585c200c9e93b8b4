import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiErrorResponse } from '@bridgenotes/protocol';

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

/** An HTTP error with a stable code; the exception filter turns it into an `ApiErrorBody`. */
export class ApiError extends HttpException {
  constructor(status: HttpStatus, code: string, message: string, details?: unknown) {
    super({ code, message, details }, status);
  }
}
