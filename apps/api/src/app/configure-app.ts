import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';
import compression from 'compression';
import type { Request, Response } from 'express';
import helmet from 'helmet';

import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { documentCommonErrors } from './common/common-errors';
import {
  limitJsonDepth,
  MAX_JSON_DEPTH,
  refuseForbiddenCharacters,
  refuseNonJsonBodies,
} from './common/input-hardening';
import { OPERATOR_AUTH } from './common/operator-key.guard';
import { openRequestContext } from './common/request-context';
import { createValidationPipe } from './common/validation.pipe';
import { earlyRefusal } from './throttling/early-refusal';
import { FloodFigures } from './throttling/flood-figures';
import { RateLimitBudgets } from './throttling/rate-limit-budgets';
import { RouteClasses } from './throttling/route-classes';

export const API_VERSION = '0.1.0';

/**
 * Everything about the HTTP app that is not a module: shared by main.ts and the tests, so the
 * tests exercise the same pipes, filters, headers and documentation as production.
 */
export function configureApp(app: NestExpressApplication): void {
  const exceptions = new AllExceptionsFilter();
  // Which address is the client's (rate limits): X-Forwarded-For only from configured proxies.
  app.set('trust proxy', app.get(Environment).TRUST_PROXY_HOPS);
  // First of all: a client already over its limit is answered before any other work.
  app.use(
    earlyRefusal(
      app.get(RateLimitBudgets),
      app.get(RouteClasses),
      app.get(Environment),
      app.get(FloodFigures),
    ),
  );
  app.use(compression({ filter: shouldCompress }));
  app.use(helmet());
  // A body that is not JSON is refused (415) before any parser reads it.
  app.use(refuseNonJsonBodies);
  // Registered before Nest's defaults (which then stand aside) so that the error middleware
  // right after them answers malformed or oversized bodies in the common error shape. The form
  // parser reads nothing (form bodies are refused above): it is registered only so that Nest
  // does not add its own.
  app.useBodyParser('json', { limit: '64kb', verify: limitJsonDepth(MAX_JSON_DEPTH) });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });
  app.use(refuseForbiddenCharacters);
  app.use(openRequestContext);
  app.use(exceptions.middleware);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(exceptions);

  // Built on the first request for it rather than at start: scanning every route for the
  // document is a tenth of the API's start-up, which each API process and test app paid.
  const document = () =>
    documentCommonErrors(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Bridgenotes API')
          .setDescription(
            'Community notes on any post, written and rated by anonymous, verified members, ' +
              'and shown when people who usually disagree find them helpful. Every error answer ' +
              'has the shape `{ statusCode, error, message, code, requestId?, details? }`.',
          )
          .setVersion(API_VERSION)
          .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
          .addBearerAuth(
            { type: 'http', scheme: 'bearer', description: 'Operator API key' },
            OPERATOR_AUTH,
          )
          .build(),
      ),
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Every answer worth compressing is, in brotli (quality 4) or gzip as the client accepts: JSON,
 * HTML, TSV, and the exports' NDJSON, which the `compressible` list leaves out. The widget's
 * bundles and the circuit files are compressed once at build and sent as they are (the
 * middleware leaves an answer that has a Content-Encoding alone).
 */
function shouldCompress(request: Request, response: Response): boolean {
  const type = String(response.getHeader('Content-Type') ?? '');
  return type.startsWith('application/x-ndjson') || compression.filter(request, response);
}
