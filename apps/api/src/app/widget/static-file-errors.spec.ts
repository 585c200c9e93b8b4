import type { HttpStatus, INestApplication } from '@nestjs/common';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';
import { DEFAULT_ERROR_CODES, ERRORS } from '../common/error-catalogue';

/**
 * The static files (express's sendFile) answer a range past the end and a failed precondition
 * themselves: their error answers have the common shape and a code of the catalogue, rather
 * than express's HTML page (no code) with the file's type, encoding and cache headers.
 */
describe('static file errors', () => {
  let app: INestApplication;
  const server = () => app.getHttpServer();
  const WASM = '/widget/artifacts/4.13.0/semaphore-20.wasm';
  const binary = (response: request.Response, done: (error: null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  };

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(() => app.close());

  it('answers a range past the end 416 RANGE_NOT_SATISFIABLE, saying the size', async () => {
    const whole = await request(server()).get(WASM).buffer(true).parse(binary).expect(200);
    const size = (whole.body as Buffer).length;
    const response = await request(server())
      .get(WASM)
      .set('Range', 'bytes=999999999-')
      .set('Accept-Encoding', 'identity');
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: 416,
      code: 'RANGE_NOT_SATISFIABLE',
    });
    expect(response.headers['content-range']).toBe(`bytes */${size}`);
    // An error answer of its own: JSON, not the file's type, and not cached for a year.
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control'] ?? '').not.toContain('immutable');
    expect(response.headers['etag']).not.toBe(whole.headers['etag']);
    // A range within the file is still served.
    const part = await request(server())
      .get(WASM)
      .set('Range', 'bytes=0-3')
      .set('Accept-Encoding', 'identity')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(part.body).toEqual((whole.body as Buffer).subarray(0, 4));
  });

  it('answers a failed If-Match 412 PRECONDITION_FAILED', async () => {
    const response = await request(server()).get(WASM).set('If-Match', '"not-this-file"');
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: 412,
      code: 'PRECONDITION_FAILED',
    });
  });

  it('has both codes in the catalogue, as the codes of their statuses', () => {
    // The static routes are left out of the OpenAPI document (ApiExcludeController): the
    // catalogue is where a client finds these codes.
    expect(ERRORS.RANGE_NOT_SATISFIABLE.status).toBe(416);
    expect(ERRORS.PRECONDITION_FAILED.status).toBe(412);
    expect(DEFAULT_ERROR_CODES[416 as HttpStatus]).toBe('RANGE_NOT_SATISFIABLE');
    expect(DEFAULT_ERROR_CODES[412 as HttpStatus]).toBe('PRECONDITION_FAILED');
  });
});
