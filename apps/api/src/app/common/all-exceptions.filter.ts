import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { loggableError } from '@bridgenotes/database';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

import type { ApiErrorBody } from './api-error';
import { clientFaultOf, databaseFailureOf, type ClientFault } from './database-errors';
import { BODY_PARSER_CODES, DEFAULT_ERROR_CODES, ERRORS, type ErrorCode } from './error-catalogue';

interface BodyParserError {
  status: number;
  type?: string;
  /** zlib's code (`Z_DATA_ERROR`…) when a compressed body could not be inflated. */
  code?: string;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).status === 'number' &&
    typeof (error as BodyParserError).message === 'string'
  );
}

/**
 * Gives every error answer the same shape, whatever raised it: our own `ApiError`s, Nest's
 * built-in exceptions, body-parser failures, a busy or unreachable database (503 with
 * Retry-After), and (as a 500 that reveals nothing) anything else.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');
  private lastDatabaseWarning = 0;

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    this.reply(exception, context.getRequest<Request>(), context.getResponse<Response>());
  }

  /**
   * Express error middleware with the same answers, for errors raised before Nest routes the
   * request (the body parsers), which Nest's filters never see.
   */
  readonly middleware = (
    error: unknown,
    request: Request,
    response: Response,
    next: NextFunction,
  ): void => {
    if (response.headersSent) return next(error);
    this.reply(error, request, response);
  };

  private reply(exception: unknown, request: Request, response: Response): void {
    const database = databaseFailureOf(exception);
    if (database) {
      this.warnDatabase(exception);
      response.setHeader('Retry-After', database.retryAfter);
    }
    const fault =
      database || exception instanceof HttpException ? undefined : clientFaultOf(exception);
    if (fault) this.warnClientFault(fault, request);
    const catalogued = database ?? fault;
    const body = catalogued
      ? this.body(ERRORS[catalogued.code].status, this.messageOf(catalogued.code), catalogued.code)
      : this.toBody(exception);
    if (!catalogued && body.statusCode >= 500 && !(exception instanceof HttpException)) {
      // Its code and frames, never its message: a database's may print a query's arguments (a
      // pseudonym, a note's text, a proof), here beside the request's id, route and time.
      this.logger.error(loggableError(exception));
    }
    const requestId = request.id === undefined ? undefined : String(request.id);
    response.status(body.statusCode).json(requestId ? { ...body, requestId } : body);
  }

  private messageOf(code: ErrorCode): string {
    // The generic entries' messages take no argument but NOT_FOUND's own words.
    return code === 'NOT_FOUND'
      ? ERRORS.NOT_FOUND.message('No such record')
      : (ERRORS[code].message as () => string)();
  }

  /**
   * A check the edge missed: the route and Prisma's code say which, never the values or who
   * sent them (Prisma's message quotes the query's arguments).
   */
  private warnClientFault(fault: ClientFault, request: Request): void {
    const route = (request.route as { path?: string } | undefined)?.path ?? 'an unrouted request';
    this.logger.warn(
      `${request.method} ${route}: the database refused a value (${fault.reason}), answering ${fault.code}`,
    );
  }

  /**
   * A busy or absent database fails every request at once: one line a minute says so (with the
   * driver's reason) instead of a stack per request.
   */
  private warnDatabase(exception: unknown): void {
    if (Date.now() - this.lastDatabaseWarning < 60_000) return;
    this.lastDatabaseWarning = Date.now();
    const reason = exception instanceof Error ? exception.message : String(exception);
    this.logger.warn(
      `Database busy or unreachable, answering 503: ${reason.trim().split('\n').at(-1)}`,
    );
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const raw = exception.getResponse();
      const payload = typeof raw === 'string' ? { message: raw } : (raw as Record<string, unknown>);
      const message = Array.isArray(payload['message'])
        ? payload['message'].join('; ')
        : String(payload['message'] ?? exception.message);
      return this.body(
        statusCode,
        message,
        payload['code'] as string | undefined,
        payload['details'],
      );
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      if (exception.code?.startsWith('Z_')) {
        return this.body(
          exception.status,
          `The request body could not be decompressed (${exception.message})`,
          'CORRUPT_BODY',
        );
      }
      const message =
        exception.type === 'entity.parse.failed'
          ? ERRORS.MALFORMED_JSON.message()
          : exception.message;
      return this.body(exception.status, message, BODY_PARSER_CODES[exception.type ?? '']);
    }
    return this.body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }

  private body(
    statusCode: number,
    message: string,
    code?: string,
    details?: unknown,
  ): ApiErrorBody {
    return {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      code: code ?? DEFAULT_ERROR_CODES[statusCode as HttpStatus] ?? `HTTP_${statusCode}`,
      ...(details === undefined ? {} : { details }),
    };
  }
}
