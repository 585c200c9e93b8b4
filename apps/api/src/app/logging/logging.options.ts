import { Environment } from '@bridgenotes/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';

/**
 * Always the server's own id, never one a client or proxy offers: an id chosen upstream would
 * let that party join its logs with ours.
 */
function requestId(_request: IncomingMessage, response: ServerResponse): string {
  const id = randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Identity commitments travel in operator URLs (member removal); they never reach a log. A
 * write's URL loses its ids too: a line's time beside a note id would date that note's rating
 * or deletion to the millisecond, finer than the batch it is sealed in (docs/threat-model.md).
 */
export const redactUrl = (method: string, url: string) => {
  const path = url.replace(/\/members\/\d+/g, '/members/:commitment');
  return method === 'GET' || method === 'HEAD' ? path : path.replace(UUID, ':id');
};

/**
 * Structured JSON request logs. The serializers whitelist what a line may hold: no address, no
 * headers (user agent, cookies, keys), no body, because a log line beside an anonymous rating
 * must never be able to say who made it.
 */
export function loggingOptions(level: Environment['LOG_LEVEL']): Params {
  return {
    pinoHttp: {
      level,
      genReqId: requestId,
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.method, request.url),
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      autoLogging: {
        // Probes hit these every few seconds; their answers matter, not their log lines.
        ignore: (request) => request.url === '/health' || request.url === '/ready',
      },
    },
  };
}
