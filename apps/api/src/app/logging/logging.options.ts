import { Environment } from '@bridgenotes/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers['x-request-id'];
  const id =
    typeof offered === 'string' && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

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
          url: request.url,
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
