import { ApiExtension, type OpenAPIObject } from '@nestjs/swagger';

import { exampleOf } from './api-errors.decorator';
import { ErrorCode, ERRORS } from './error-catalogue';

/**
 * The answers a route gives because of what it is, not what it does: documented on every
 * operation of the OpenAPI document here, once, rather than in each route's `@ApiErrors`, where
 * they would be forgotten (a typed client learns every code it can meet from the document).
 */

/** Every route: its client's rate limit (every route has a class), a poisoned URL, a fault. */
const EVERY_ROUTE: readonly ErrorCode[] = ['RATE_LIMITED', 'FORBIDDEN_CHARACTER', 'INTERNAL_ERROR'];

/** A route that takes a body: what the body parsers and the input hardening refuse. */
const WITH_BODY: readonly ErrorCode[] = [
  'MALFORMED_JSON',
  'JSON_TOO_DEEP',
  'CORRUPT_BODY',
  'CONTENT_LENGTH_MISMATCH',
  'REQUEST_ABORTED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_CHARSET',
  'UNSUPPORTED_ENCODING',
  'UNSUPPORTED_MEDIA_TYPE',
];

/**
 * A route that reads or writes the database: the pool's and the server's 503s, and the safety
 * net's 400 for a value the database itself refuses (`database-errors.ts`).
 */
const WITH_STORAGE: readonly ErrorCode[] = [
  'DATABASE_BUSY',
  'DATABASE_UNAVAILABLE',
  'INVALID_VALUE',
];

const WITHOUT_DATABASE_ERRORS = 'x-without-database-errors';

/**
 * Marks a route that never answers a database error: it touches no database, or it reports the
 * database's state itself (readiness). Its document then lists none of WITH_STORAGE.
 */
export const WithoutDatabaseErrors = () => ApiExtension(WITHOUT_DATABASE_ERRORS, true);

interface DocumentedResponse {
  description?: string;
  content?: Record<string, { schema?: unknown; examples?: Record<string, unknown> }>;
}

interface DocumentedOperation {
  requestBody?: unknown;
  responses?: Record<string, DocumentedResponse>;
  [WITHOUT_DATABASE_ERRORS]?: boolean;
}

/** Adds `code` to the operation's response of its status, beside what the route documents. */
function addError(operation: DocumentedOperation, code: ErrorCode): void {
  const responses = (operation.responses ??= {});
  const status = String(ERRORS[code].status);
  const response = (responses[status] ??= { description: '' });
  const json = ((response.content ??= {})['application/json'] ??= {
    schema: { $ref: '#/components/schemas/ApiErrorBody' },
  });
  const examples = (json.examples ??= {});
  if (code in examples) return;
  examples[code] = { summary: code, value: exampleOf(code) };
  response.description = response.description ? `${response.description}, ${code}` : code;
}

/** `document` with the answers of EVERY_ROUTE, WITH_BODY and WITH_STORAGE on its operations. */
export function documentCommonErrors(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as DocumentedOperation[]) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const codes = [
        ...EVERY_ROUTE,
        ...(operation.requestBody ? WITH_BODY : []),
        ...(operation[WITHOUT_DATABASE_ERRORS] === true ? [] : WITH_STORAGE),
      ];
      for (const code of codes) addError(operation, code);
    }
  }
  return document;
}
