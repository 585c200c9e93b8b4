import type { INestApplication } from '@nestjs/common';
import { eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { communityWithMembers, createIdentity } from '../../testing/members';
import { createTestApp } from '../../testing/test-app';

describe('abnormal group growth', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ GROUP_GROWTH_ALERT_PER_HOUR: '2' });
  });

  afterAll(() => app.close());

  it('is reported in /ready, which stays ready, for the communities that grew', async () => {
    const growing = await communityWithMembers(app, [
      createIdentity(),
      createIdentity(),
      createIdentity(),
    ]);
    const quiet = await communityWithMembers(app, [createIdentity()]);
    // Readiness may take a moment after boot (the queue's first connection).
    const response = await eventually(() => request(app.getHttpServer()).get('/ready').expect(200));
    expect(response.body.status).toBe('ready');
    const reported = response.body.warnings.groupGrowth as {
      community: string;
      joinedLastHour: number;
    }[];
    expect(reported).toContainEqual({ community: growing.slug, joinedLastHour: 3 });
    expect(reported.map((entry) => entry.community)).not.toContain(quiet.slug);
  });
});
