import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

/**
 * URLs validator.js's `isURL` accepts but WHATWG's parser (`new URL`, fetch) does not: the
 * webhook's check of private receivers ran `new URL` on them and answered 500.
 */
const UNPARSABLE = [
  'http://0x100000000/',
  'http://1.2.3.0x100/hooks',
  'https://foo.0x100/hooks',
  'https://xn--a/hooks',
];

describe('webhook URLs WHATWG cannot parse', () => {
  const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
  const secret = 'printable-secret-of-24-chars';
  let prisma: PrismaClient;

  beforeAll(() => {
    prisma = createTestPrisma();
  });

  afterAll(() => prisma.$disconnect());

  it.each([
    ['refuses private receivers', {}],
    ['allows private receivers', { WEBHOOK_ALLOW_PRIVATE_RECEIVERS: 'true' }],
  ])('are refused 400 VALIDATION_FAILED when the instance %s', async (_, env) => {
    const app: INestApplication = await createTestApp(env);
    try {
      const community = await createCommunity(prisma);
      for (const url of UNPARSABLE) {
        const response = await request(app.getHttpServer())
          .put(`/communities/${community.slug}/webhook`)
          .set(operator)
          .send({ url, secret });
        expect({ url, status: response.status, body: response.body }).toMatchObject({
          url,
          status: 400,
          body: { code: 'VALIDATION_FAILED', message: 'url must be an http(s) URL' },
        });
      }
      expect(
        (await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).webhookUrl,
      ).toBeNull();
    } finally {
      await app.close();
    }
  });
});
