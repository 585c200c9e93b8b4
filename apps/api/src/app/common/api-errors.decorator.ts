import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

import { ApiErrorBody } from './api-error';
import { ErrorCode, ERRORS } from './error-catalogue';

/** The codes already documented on a route, so that no decorator documents one twice. */
const DOCUMENTED = Symbol('bridgenotes:documented-errors');

/** The answer a client gets for `code`, with the catalogue's example arguments. */
export function exampleOf(code: ErrorCode): ApiErrorBody {
  const { status, message, example } = ERRORS[code];
  return {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message: (message as (...args: unknown[]) => string)(...example),
    code,
  };
}

/**
 * Documents `codes` on a route's handler (`method`) or on a controller class: Swagger keeps the
 * responses of a handler on the handler function, those of a controller on its class.
 */
function documentErrors(
  target: object,
  codes: readonly ErrorCode[],
  kind: 'method' | 'class',
): void {
  const known: Set<ErrorCode> = Reflect.getMetadata(DOCUMENTED, target) ?? new Set();
  const fresh = [...new Set(codes)].filter((code) => !known.has(code));
  Reflect.defineMetadata(DOCUMENTED, new Set([...known, ...fresh]), target);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of fresh) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, group] of byStatus) {
    // Swagger merges responses of one status: descriptions are joined, examples gathered.
    const decorator = ApiResponse({
      status,
      type: ApiErrorBody,
      description: group.join(', '),
      examples: Object.fromEntries(
        group.map((code) => [code, { summary: code, value: exampleOf(code) }]),
      ),
    });
    if (kind === 'method') decorator({}, '', { value: target });
    else (decorator as ClassDecorator)(target as never);
  }
}

/**
 * Documents the errors a route (or every route of a controller) can answer, each under its
 * status with an example body; the status and example come from the catalogue.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) documentErrors(descriptor.value as object, codes, 'method');
    else documentErrors(target, codes, 'class');
    return descriptor as never;
  };
}

/** `ApiErrors` for a parameter decorator, which sees the class prototype and the method name. */
export function documentParameterErrors(
  prototype: object,
  method: string | symbol | undefined,
  codes: readonly ErrorCode[],
): void {
  if (method === undefined) return;
  const handler = Object.getOwnPropertyDescriptor(prototype, method)?.value as object;
  documentErrors(handler, codes, 'method');
}
