import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import request from 'supertest';

import { communityWithMembers } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { ARTIFACT_HASHES } from './widget-assets';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };

describe('widget', () => {
  let app: INestApplication;
  const server = () => app.getHttpServer();

  // Booting the whole API can take long on a busy machine: wait for it.
  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(() => app.close());

  describe('embed origins', () => {
    it('are set and changed by the operator and published with the community', async () => {
      const { slug } = await communityWithMembers(app, []);
      expect((await request(server()).get(`/communities/${slug}`)).body.embedOrigins).toEqual([]);
      const updated = await request(server())
        .patch(`/communities/${slug}`)
        .set(operator)
        .send({ embedOrigins: ['https://news.example.com', 'http://localhost:8080'] })
        .expect(200);
      expect(updated.body.embedOrigins).toEqual([
        'https://news.example.com',
        'http://localhost:8080',
      ]);
    });

    it.each([
      'https://news.example.com/',
      'https://news.example.com/path',
      'HTTPS://NEWS.EXAMPLE.COM',
      'javascript:alert(1)',
      "https://a.example; script-src 'unsafe-inline'",
      'https://a.example *',
      '*',
    ])('refuse %j, which is not an origin as browsers send it', async (origin) => {
      const { slug } = await communityWithMembers(app, []);
      const response = await request(server())
        .patch(`/communities/${slug}`)
        .set(operator)
        .send({ embedOrigins: [origin] })
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('frame', () => {
    it("may be framed by the community's origins only, and may run what proofs need", async () => {
      const { slug } = await communityWithMembers(app, []);
      await request(server())
        .patch(`/communities/${slug}`)
        .set(operator)
        .send({ embedOrigins: ['https://news.example.com'] })
        .expect(200);
      const response = await request(server())
        .get('/widget/frame')
        .query({ community: slug, post: 'https://example.com/"><script>alert(1)</script>' })
        .expect(200);
      const policy = response.headers['content-security-policy'];
      expect(policy).toContain("frame-ancestors 'self' https://news.example.com");
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).toContain("worker-src 'self' blob:");
      expect(policy).toContain("connect-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(response.headers['x-frame-options']).toBeUndefined();
      // The page never echoes its query: the frame's script reads it as data.
      expect(response.text).not.toContain('alert');
    });

    it('answers 404 for an unknown community and 400 for an unknown theme', async () => {
      await request(server()).get('/widget/frame').query({ community: 'nobody-here' }).expect(404);
      const { slug } = await communityWithMembers(app, []);
      const response = await request(server())
        .get('/widget/frame')
        .query({ community: slug, theme: 'neon' })
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  it('serves the pinned circuit files, checked and cacheable forever', async () => {
    const wasm = await request(server())
      .get('/widget/artifacts/4.13.0/semaphore-20.wasm')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(
      createHash('sha256')
        .update(wasm.body as Buffer)
        .digest('hex'),
    ).toBe(ARTIFACT_HASHES.wasm);
    await request(server()).get('/widget/artifacts/4.13.0/semaphore-16.wasm').expect(404);
    await request(server()).get('/widget/artifacts/4.12.0/semaphore-20.wasm').expect(404);
  });

  it('demo page escapes what it is given', async () => {
    const response = await request(server())
      .get('/demo')
      .query({ post: 'https://example.com/"><script>alert(1)</script>' })
      .expect(200);
    expect(response.text).toContain('src="/embed.js" data-community="demo"');
    expect(response.text).not.toContain('<script>alert(1)');
    expect(response.text).toContain('&quot;&gt;&lt;script&gt;');
  });
});
