import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { createTestApp } from '../../testing/test-app';

// The seeded demo community itself (statuses, runs, a clean verification, seeding once) is
// checked by apps/api-e2e's console suite, which seeds it anyway: its real proofs are made once
// per `npm test` pass instead of twice.
describe('the API root', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves a landing page at the API root with links to the demo, the reference and the docs', async () => {
    const page = await request(app.getHttpServer()).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    for (const link of [
      'href="/demo"',
      'href="/docs"',
      'href="/console"',
      'href="/admin/queues"',
    ]) {
      expect(page.text).toContain(link);
    }
  });
});
