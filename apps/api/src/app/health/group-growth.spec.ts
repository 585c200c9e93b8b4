import type { INestApplication } from '@nestjs/common';
import { eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { communityWithMembers, createIdentity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

/** Members a community may gain in an hour before it is reported. */
const ALERT_LEVEL = 50;

describe('abnormal group growth', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // The report lists at most 20 communities, the fastest-growing first, and the other suites
    // of this Jest run share the database: an alert level above what any of them joins keeps
    // their communities out of the list, so this one's place in it depends on nothing else.
    app = await createTestApp({ GROUP_GROWTH_ALERT_PER_HOUR: String(ALERT_LEVEL) });
  });

  afterAll(() => app.close());

  let growing: { slug: string };
  let quiet: { slug: string };

  beforeAll(async () => {
    growing = await communityWithMembers(
      app,
      Array.from({ length: ALERT_LEVEL + 1 }, () => createIdentity()),
    );
    quiet = await communityWithMembers(
      app,
      Array.from({ length: ALERT_LEVEL }, () => createIdentity()),
    );
  });

  it('is reported in /ready, which stays ready, for the communities that grew, to the operator only', async () => {
    // Readiness may take a moment after boot (the queue's first connection).
    const response = await eventually(() =>
      request(app.getHttpServer())
        .get('/ready')
        .set('Authorization', `Bearer ${OPERATOR_KEY}`)
        .expect(200),
    );
    expect(response.body.status).toBe('ready');
    // Never kept by a cache, which could hand the operator's answer to anyone.
    expect(response.headers['cache-control']).toBe('no-store');
    const reported = response.body.warnings.groupGrowth as {
      community: string;
      joinedLastHour: number;
    }[];
    expect(reported).toContainEqual({ community: growing.slug, joinedLastHour: ALERT_LEVEL + 1 });
    expect(reported.map((entry) => entry.community)).not.toContain(quiet.slug);

    // Anyone else (no key, or a wrong one) learns that the instance is ready, nothing more:
    // which communities grow tells an attacker what works, as /metrics would.
    for (const authorization of [undefined, 'Bearer not-the-operator-key']) {
      const answer = await eventually(() => {
        const asked = request(app.getHttpServer()).get('/ready');
        return (authorization ? asked.set('Authorization', authorization) : asked).expect(200);
      });
      expect(Object.keys(answer.body).sort()).toEqual(['checks', 'status']);
      expect(answer.text).not.toContain(growing.slug);
    }
  });

  it('is a gauge in the operator metrics, for those communities only', async () => {
    const { text } = await request(app.getHttpServer())
      .get('/metrics')
      .set('Authorization', `Bearer ${OPERATOR_KEY}`)
      .expect(200);
    expect(text).toContain(
      `bridgenotes_group_joined_last_hour{community="${growing.slug}"} ${ALERT_LEVEL + 1}\n`,
    );
    expect(text).not.toContain(`community="${quiet.slug}"`);
  });
});
