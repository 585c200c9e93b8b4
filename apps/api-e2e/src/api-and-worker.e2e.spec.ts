import { createHash, randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually, TcpProxy } from '@bridgenotes/testing';
import { untilReady } from './support/http';
import { RunningApp, startBuiltApi, startBuiltApp } from './support/processes';

const OPERATOR_KEY = 'e2e-operator-key';

/**
 * The built API and worker as separate processes, with Redis reached through a proxy the test
 * can cut: the path from an HTTP request through the queue to PostgreSQL and back, and what
 * both processes do while Redis is away and when they are told to stop.
 */
const run = currentTestRun();
// Outages of Redis, tested through a proxy; with the queues in PostgreSQL there is no Redis.
const withRedis = run.queueBackend === 'redis' ? it : it.skip;

describe('API and worker processes', () => {
  const redis = new URL(run.redisUrl);
  const redisProxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  let api: RunningApp;
  let worker: RunningApp;
  let baseUrl: string;
  let database: Client;
  let slug: string;

  beforeAll(async () => {
    await redisProxy.open();
    const env = {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: `redis://${redisProxy.url}`,
      QUEUE_PREFIX: run.queuePrefix,
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(OPERATOR_KEY).digest('hex'),
      // Only the runs this file asks for, as in every other end-to-end file: at the top of an
      // hour the periodic rescoring would run the community too.
      SCORING_CRON: 'off',
    };
    worker = startBuiltApp('worker', env);
    ({ api, apiUrl: baseUrl } = await startBuiltApi(env));

    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    slug = `e2e-${randomUUID().slice(0, 8)}`;
    const communityId = randomUUID();
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO communities (id, slug, name, scope, earn_in_impact, updated_at) VALUES ($1, $2, 'E2E', $3, 0, now()) RETURNING id`,
      [communityId, slug, communityScope(communityId).toString()],
    );
    const { rows: posts } = await database.query<{ id: string }>(
      `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) RETURNING id`,
      [`https://example.com/${slug}`],
    );
    for (const text of ['first', 'second']) {
      await database.query(
        `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
         VALUES (gen_random_uuid(), $1, $2, '7', 'NOT_MISLEADING', '{}', $3, '{}')`,
        [rows[0].id, posts[0].id, text],
      );
    }
    await untilReady(baseUrl);
  });

  afterAll(async () => {
    for (const app of [api, worker]) if (app?.child.exitCode === null) app.child.kill('SIGKILL');
    await redisProxy.close();
    await database.end();
  });

  const requestRun = () =>
    fetch(`${baseUrl}/communities/${slug}/scoring-runs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
    });

  async function finishedRun(id: string): Promise<Record<string, unknown>> {
    return eventually(async () => {
      const body = (await (await fetch(`${baseUrl}/scoring-runs/${id}`)).json()) as Record<
        string,
        unknown
      >;
      if (body['status'] !== 'SUCCEEDED') throw new Error(`run is ${String(body['status'])}`);
      return body;
    });
  }

  it('takes a scoring request through the queue to the worker and shows the result', async () => {
    const response = await requestRun();
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(await finishedRun(id)).toMatchObject({
      noteCount: 2,
      attempts: 1,
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  withRedis(
    'while Redis is away: /ready names it, /health answers, requests fail cleanly, nothing crashes',
    async () => {
      const [apiLogged, workerLogged] = [api.output().length, worker.output().length];
      await redisProxy.cut();
      // The outage's steady state: a loaded machine can also take PostgreSQL past the check's
      // 2 s once, so the answer that names Redis alone is waited for, not taken from one request.
      await eventually(async () => {
        const ready = await fetch(`${baseUrl}/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({
          code: 'NOT_READY',
          message: 'Not ready: queue unreachable',
        });
      });
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
      const refused = await requestRun();
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });

      // Until both have met the outage: each logs its queue connection's first error event (one
      // with no listener would have thrown and brought the process down).
      await eventually(async () => {
        expect(api.output().slice(apiLogged)).toMatch(/queue \\?"[\w-]+\\?": /);
        expect(worker.output().slice(workerLogged)).toMatch(/ worker: /);
      });
      expect(api.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();
    },
  );

  withRedis(
    'when Redis returns: /ready recovers and the worker takes jobs again, without a restart',
    async () => {
      await redisProxy.open();
      await untilReady(baseUrl);
      const response = await requestRun();
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      expect(await finishedRun(id)).toMatchObject({ noteCount: 2 });
    },
  );

  it('stops both processes on Ctrl-C (SIGINT), closing cleanly', async () => {
    api.child.kill('SIGINT');
    worker.child.kill('SIGINT');
    const [apiExit, workerExit] = await Promise.all([api.exited, worker.exited]);
    // Nest closes every module, then re-raises the signal so the exit status tells its cause.
    for (const exit of [apiExit, workerExit]) {
      expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    }
    // Within the default deadline (a minute), which a loaded machine's clean stop fits in where
    // it need not fit in a few seconds; the deadline itself is the next describe's subject.
    expect(worker.output()).not.toMatch(/Shutdown took longer/);
    expect(api.output()).not.toMatch(/"level":50/);
  });
});

describe('worker shutdown while Redis is away', () => {
  withRedis('stops within its shutdown deadline instead of waiting for Redis', async () => {
    const redis = new URL(run.redisUrl);
    const proxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await proxy.open();
    const worker = startBuiltApp('worker', {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: `redis://${proxy.url}`,
      QUEUE_PREFIX: run.queuePrefix,
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    try {
      await eventually(async () => expect(worker.output()).toContain('Worker started'));
      await proxy.cut();
      worker.child.kill('SIGTERM');
      // Redis stays away, so exiting at all shows the deadline ended the wait (no clock needed:
      // a worker waiting for Redis would never exit, and the test would time out).
      const exit = await worker.exited;
      expect(exit.code === 1 || exit.signal === 'SIGTERM').toBe(true);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await proxy.close();
    }
  });
});
