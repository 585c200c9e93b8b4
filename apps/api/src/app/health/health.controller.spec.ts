import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { currentTestRun, eventually, TcpProxy } from '@bridgenotes/testing';
import { createTestApp } from '../../testing/test-app';

describe('health and readiness', () => {
  const run = currentTestRun();
  const redisUrl = new URL(run.redisUrl);
  const databaseUrl = new URL(run.databaseUrl);
  const redisProxy = new TcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  const databaseProxy = new TcpProxy({
    host: databaseUrl.hostname,
    port: Number(databaseUrl.port || 5432),
  });
  let app: INestApplication;

  beforeAll(async () => {
    await redisProxy.open();
    await databaseProxy.open();
    const proxiedDatabase = new URL(run.databaseUrl);
    proxiedDatabase.host = databaseProxy.url;
    app = await createTestApp({
      REDIS_URL: `redis://${redisProxy.url}`,
      DATABASE_URL: proxiedDatabase.toString(),
    });
  });

  afterAll(async () => {
    await app.close();
    await redisProxy.close();
    await databaseProxy.close();
  });

  it('answers /health and /ready when both dependencies are up', async () => {
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
    await eventually(async () => {
      await request(app.getHttpServer())
        .get('/ready')
        .expect(200, {
          status: 'ready',
          checks: { database: { status: 'up' }, queue: { status: 'up' } },
        });
    });
  });

  // With the queues in PostgreSQL there is no Redis to lose.
  const withRedis = run.queueBackend === 'redis' ? it : it.skip;

  withRedis(
    'reports Redis by name while it is away, stays alive, and recovers without a restart',
    async () => {
      await redisProxy.cut();
      // The outage's steady state: a loaded machine can also take PostgreSQL past the check's
      // 2 s once, so the answer that names Redis alone is waited for, not taken from one request.
      await eventually(async () => {
        const response = await request(app.getHttpServer()).get('/ready').expect(503);
        expect(response.body).toMatchObject({
          statusCode: 503,
          error: 'Service Unavailable',
          code: 'NOT_READY',
          message: 'Not ready: queue unreachable',
          details: {
            database: { status: 'up' },
            queue: { status: 'down', error: 'Redis is unreachable' },
          },
        });
      });
      await request(app.getHttpServer()).get('/health').expect(200);

      await redisProxy.open();
      await eventually(async () => {
        await request(app.getHttpServer()).get('/ready').expect(200);
      });
    },
  );

  it('reports PostgreSQL by name while it is away, and recovers', async () => {
    await databaseProxy.cut();
    // Waited for as above: Redis, up all along, may miss the 2 s check once on a loaded machine.
    await eventually(async () => {
      const response = await request(app.getHttpServer()).get('/ready').expect(503);
      expect(response.body).toMatchObject({
        code: 'NOT_READY',
        // The queue is only away with the database when it lives there.
        message:
          run.queueBackend === 'redis'
            ? 'Not ready: database unreachable'
            : 'Not ready: database and queue unreachable',
        details: {
          database: { status: 'down' },
          queue: { status: run.queueBackend === 'redis' ? 'up' : 'down' },
        },
      });
    });
    await request(app.getHttpServer()).get('/health').expect(200);

    await databaseProxy.open();
    await eventually(async () => {
      await request(app.getHttpServer()).get('/ready').expect(200);
    });
  });
});
