import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  [key: string]: unknown;
};

/** The OpenAPI document types every proof a write carries, as docs/protocol.md describes it. */
describe('OpenAPI proof schema', () => {
  let app: INestApplication;
  let document: {
    paths: Record<
      string,
      Record<string, { requestBody: { content: Record<string, { schema: Schema }> } }>
    >;
    components: { schemas: Record<string, Schema> };
  };

  beforeAll(async () => {
    app = await createTestApp();
    document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
  });

  afterAll(() => app.close());

  const resolve = (schema: Schema): Schema =>
    schema.$ref ? document.components.schemas[schema.$ref.split('/').pop() as string] : schema;
  const proofOf = (path: string, method: string): Schema => {
    const body = resolve(
      document.paths[path][method].requestBody.content['application/json'].schema,
    );
    const proof = body.properties?.['proof'] as Schema;
    return resolve(proof.allOf?.[0] ?? proof);
  };

  it.each([
    ['/communities/{slug}/notes', 'post'],
    ['/communities/{slug}/notes/{id}/rating', 'put'],
    ['/communities/{slug}/note-requests', 'post'],
    ['/communities/{slug}/proofs/check', 'post'],
  ])('types the proof of %s (%s): six fields, decimals, eight points', (path, method) => {
    const proof = proofOf(path, method);
    expect(proof.required?.sort()).toEqual(
      ['merkleTreeDepth', 'merkleTreeRoot', 'message', 'nullifier', 'points', 'scope'].sort(),
    );
    expect(proof.properties?.['merkleTreeDepth']).toMatchObject({ enum: [20] });
    for (const field of ['merkleTreeRoot', 'nullifier', 'message', 'scope']) {
      expect(proof.properties?.[field]).toMatchObject({
        type: 'string',
        pattern: '^(0|[1-9][0-9]*)$',
      });
    }
    expect(proof.properties?.['points']).toMatchObject({
      type: 'array',
      minItems: 8,
      maxItems: 8,
      items: { type: 'string', pattern: '^(0|[1-9][0-9]*)$' },
    });
  });
});
