import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';

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
});
