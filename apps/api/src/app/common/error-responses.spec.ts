import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';
import { ApiError } from './api-error';
import { ERRORS, ErrorCode } from './error-catalogue';

interface DocumentedResponse {
  content?: { 'application/json'?: { examples?: Record<string, { value: { code: string } }> } };
}

describe('error answers and HTTP hygiene', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(() => app.close());

  it('gives an unknown route the common error shape and a request id', async () => {
    const response = await request(app.getHttpServer()).get('/no/such/route').expect(404);
    expect(response.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /no/such/route',
      code: 'NOT_FOUND',
      requestId: response.headers['x-request-id'],
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never adopts a caller's request id, which would let an upstream party join logs", async () => {
    const response = await request(app.getHttpServer())
      .get('/health')
      .set('X-Request-Id', 'trace-123');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await request(app.getHttpServer())
      .post('/communities/demo/scoring-runs')
      .set('Content-Type', 'application/json')
      .send('{"unterminated": ')
      .expect(400);
    expect(response.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'MALFORMED_JSON',
    });
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await request(app.getHttpServer())
      .post('/communities/demo/scoring-runs')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(100_000) }))
      .expect(413);
    expect(response.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it("judges a request's own fields before the community of its route", async () => {
    const server = app.getHttpServer();
    const badSlug = await request(server).get('/communities/Not_A_Slug').expect(400);
    expect(badSlug.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'slug must be 1 to 64 lowercase letters, digits or inner dashes',
    });
    // As when handlers looked the community up themselves: 400 for the body, not 404.
    const badBody = await request(server)
      .post('/communities/no-such-community/notes')
      .send({ unknown: true })
      .expect(400);
    expect(badBody.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const badQuery = await request(server)
      .get('/communities/no-such-community/notes?order=newest')
      .expect(400);
    expect(badQuery.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknown = await request(server).get('/communities/no-such-community/notes').expect(404);
    expect(unknown.body).toMatchObject({
      code: 'COMMUNITY_NOT_FOUND',
      message: 'No community with slug "no-such-community"',
    });
  });

  it('sends security headers', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/ready',
        '/communities/{slug}/scoring-runs',
        '/scoring-runs/{id}',
        '/mirrors',
        '/mirrors/{id}/divergence',
      ]),
    );
    expect(json.body.components.securitySchemes['operator-key']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const ui = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it("documents each route's errors under their status, one example per code", async () => {
    const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const examplesOf = (path: string, method: string, status: number) => {
      const response: DocumentedResponse | undefined = body.paths[path][method].responses[status];
      return response?.content?.['application/json']?.examples ?? {};
    };

    const rating = '/communities/{slug}/notes/{id}/rating';
    expect(Object.keys(examplesOf(rating, 'put', 404)).sort()).toEqual([
      'COMMUNITY_NOT_FOUND',
      'NOTE_NOT_FOUND',
    ]);
    expect(Object.keys(examplesOf(rating, 'put', 409)).sort()).toEqual([
      'MIRROR_READ_ONLY',
      'NOTE_DELETED',
      'RATING_OUTDATED',
    ]);
    expect(examplesOf(rating, 'put', 403)['SELF_RATING']?.value).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'SELF_RATING',
      message: 'Authors cannot rate their own notes',
    });
    // A read takes no proof and refuses no mirror.
    const note = '/communities/{slug}/notes/{id}';
    expect(examplesOf(note, 'get', 409)).toEqual({});
    expect(Object.keys(examplesOf(note, 'get', 400)).sort()).toEqual([
      'FORBIDDEN_CHARACTER',
      'INVALID_VALUE',
      'VALIDATION_FAILED',
    ]);

    let documented = 0;
    for (const operations of Object.values<Record<string, unknown>>(body.paths)) {
      for (const operation of Object.values(operations) as { responses: object }[]) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const examples = (response as DocumentedResponse).content?.['application/json']?.examples;
          for (const [code, example] of Object.entries(examples ?? {})) {
            documented += 1;
            expect(example.value.code).toBe(code);
            expect(ERRORS[code as ErrorCode]?.status).toBe(Number(status));
          }
        }
      }
    }
    expect(documented).toBeGreaterThan(100);
  });

  it('documents on every route the answers it gives for what it is: rate limit, body, database, fault', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const codesOf = (path: string, method: string): string[] =>
      Object.values<DocumentedResponse>(body.paths[path][method].responses)
        .flatMap((response) => Object.keys(response.content?.['application/json']?.examples ?? {}))
        .sort();

    // A write with a body: its own errors, and the body parsers', the database's and the rest.
    const rating = codesOf('/communities/{slug}/notes/{id}/rating', 'put');
    expect(rating).toEqual(
      expect.arrayContaining([
        'SELF_RATING',
        'VALIDATION_FAILED',
        'INVALID_VALUE',
        'MALFORMED_JSON',
        'JSON_TOO_DEEP',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_ENCODING',
        'FORBIDDEN_CHARACTER',
        'RATE_LIMITED',
        'DATABASE_BUSY',
        'DATABASE_UNAVAILABLE',
        'INTERNAL_ERROR',
      ]),
    );
    // A read takes no body; liveness and readiness answer no database error.
    const note = codesOf('/communities/{slug}/notes/{id}', 'get');
    expect(note).toEqual(
      expect.arrayContaining(['DATABASE_BUSY', 'INVALID_VALUE', 'RATE_LIMITED']),
    );
    expect(note).not.toContain('MALFORMED_JSON');
    expect(codesOf('/health', 'get')).toEqual([
      'FORBIDDEN_CHARACTER',
      'INTERNAL_ERROR',
      'RATE_LIMITED',
    ]);
    expect(codesOf('/ready', 'get')).not.toContain('DATABASE_UNAVAILABLE');
    // The status they are documented under is the catalogue's, with the body's schema.
    const tooLarge = body.paths['/communities/{slug}/notes/{id}/rating'].put.responses['413'];
    expect(tooLarge.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ApiErrorBody',
    });
    expect(tooLarge.content['application/json'].examples.PAYLOAD_TOO_LARGE.value).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request entity too large',
    });
    for (const [path, operations] of Object.entries<Record<string, object>>(body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = codesOf(path, method);
        expect([
          path,
          method,
          codes.includes('RATE_LIMITED') && codes.includes('INTERNAL_ERROR'),
        ]).toEqual([path, method, true]);
        if ('requestBody' in operation)
          expect([path, method, codes.includes('PAYLOAD_TOO_LARGE')]).toEqual([path, method, true]);
      }
    }
  });

  it('gives a catalogued error its status and default message', () => {
    const error = ApiError.of('COMMUNITY_NOT_FOUND', 'news');
    expect(error.getStatus()).toBe(404);
    expect(error.getResponse()).toEqual({
      code: 'COMMUNITY_NOT_FOUND',
      message: 'No community with slug "news"',
      details: undefined,
    });
    expect(new ApiError('PROOF_INVALID', 'why').getStatus()).toBe(403);
    const detailed = ApiError.of('NOT_READY', 'queue').withDetails({ queue: 'down' });
    expect([detailed.getStatus(), detailed.getResponse()]).toEqual([
      503,
      { code: 'NOT_READY', message: 'Not ready: queue unreachable', details: { queue: 'down' } },
    ]);
  });
});
