import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { communityWithMembers } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { REFUSAL_DELAY_MS } from './early-refusal';
import { RateLimitBudgets } from './rate-limit-budgets';
import { RateLimitStore } from './rate-limit-store';
import { RouteClasses } from './route-classes';

let clients = 0;
const newClient = () => `198.51.100.${(clients += 1)}`;

/** A client already over its limit is refused from memory, before any other work. */
describe('early refusal of a blocked client', () => {
  let app: INestApplication;
  let storeCalls = 0;
  const server = () => app.getHttpServer();
  /** Reads refused from memory so far, as the metrics registry counts them. */
  const earlyReadRefusals = async () => {
    const counter = app.get(MetricsRegistry).getSingleMetric('bridgenotes_rate_limited_total');
    const { values } = await counter!.get();
    return values.find(({ labels }) => labels.class === 'reads' && labels.where === 'early')!.value;
  };

  beforeAll(async () => {
    // Held at half past the hour: the buckets' key, which changes at the top of each hour,
    // stays the same from a test's first request to its last.
    app = await createTestApp(
      {
        RATE_LIMIT_READS: '3',
        RATE_LIMIT_WRITES: '3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        TRUST_PROXY_HOPS: '1',
      },
      new TestClock().install,
    );
    const store = app.get(RateLimitStore);
    const increment = store.increment.bind(store);
    store.increment = (...args) => {
      storeCalls += 1;
      return increment(...args);
    };
  });

  afterAll(() => app.close());

  it('answers from memory, with the same 429, headers and body, no store call and no log id', async () => {
    const client = newClient();
    const read = () => request(server()).get('/health').set('X-Forwarded-For', client);
    for (let index = 0; index < 3; index += 1) await read().expect(200);
    const byStore = await read().expect(429);
    const before = { calls: storeCalls, early: await earlyReadRefusals() };

    const started = Date.now();
    const early = await read();
    expect(Date.now() - started).toBeGreaterThanOrEqual(REFUSAL_DELAY_MS - 50);
    expect(early.status).toBe(429);
    const { requestId, ...stored } = byStore.body;
    expect(requestId).toBeDefined();
    expect(early.body).toEqual({
      ...stored,
      message: expect.stringMatching(
        /^Too many reads from this client: at most 3 every 60 s; retry in \d+ s$/,
      ),
    });
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(early.headers['ratelimit-policy']).toBe('"reads";q=3;w=60');
    expect(early.headers['ratelimit']).toMatch(/^"reads";r=0;t=\d+$/);
    expect(early.headers['ratelimit-limit']).toBe('3');
    expect(early.headers['ratelimit-remaining']).toBe('0');
    // Neither the store nor the request log (which gives every request an id) saw it.
    expect(storeCalls).toBe(before.calls);
    expect(early.headers['x-request-id']).toBeUndefined();
    expect(await earlyReadRefusals()).toBe(before.early + 1);
  });

  it('refuses a blocked write before reading its body, and only in the class that is blocked', async () => {
    const client = newClient();
    const community = await communityWithMembers(app, []);
    const check = (body: string) =>
      request(server())
        .post(`/communities/${community.slug}/proofs/check`)
        .set('X-Forwarded-For', client)
        .set('Content-Type', 'application/json')
        .send(body);
    for (let index = 0; index < 3; index += 1) {
      expect((await check('{}')).body.code).toBe('VALIDATION_FAILED');
    }
    // The fourth is refused by the store; the fifth at the door: its body, not JSON, is not read.
    expect((await check('{}')).body.code).toBe('RATE_LIMITED');
    const calls = storeCalls;
    const refused = await check('{"not json');
    expect(refused.status).toBe(429);
    expect(refused.body.details).toEqual({ class: 'writes', limit: 3, windowSeconds: 60 });
    expect(storeCalls).toBe(calls);
    // Reads are another budget: served, and counted by the store.
    await request(server()).get('/health').set('X-Forwarded-For', client).expect(200);
    expect(storeCalls).toBe(calls + 1);
  });

  it('counts the refusals in GET /metrics, for the operator only and naming no client', async () => {
    const client = newClient();
    for (let index = 0; index < 4; index += 1) {
      await request(server()).get('/health').set('X-Forwarded-For', client);
    }
    await request(server()).get('/health').set('X-Forwarded-For', client).expect(429);
    await request(server()).get('/metrics').expect(401);
    const metrics = await request(server())
      .get('/metrics')
      .set('Authorization', `Bearer ${OPERATOR_KEY}`)
      .expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const early = await earlyReadRefusals();
    expect(early).toBeGreaterThanOrEqual(1);
    expect(metrics.text).toContain(
      `bridgenotes_rate_limited_total{class="reads",where="early"} ${early}\n`,
    );
    expect(metrics.text).toMatch(
      /^bridgenotes_rate_limited_total\{class="reads",where="store"\} [1-9]\d*$/m,
    );
    expect(metrics.text).toMatch(/^bridgenotes_blocked_clients [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^bridgenotes_proof_verifier_queued \d+$/m);
    expect(metrics.text).toMatch(/^process_cpu_seconds_total \d+(\.\d+)?$/m);
    // Every line is a comment or a sample (prom-client parts metrics with a blank line); no
    // client's key or address.
    for (const line of metrics.text.split('\n').filter(Boolean)) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? (-?[\d.e+-]+|NaN))$/);
    }
    expect(metrics.text).not.toContain(client);
    for (const { name } of app.get(RateLimitBudgets).clientsOf({ ip: client } as never)) {
      expect(metrics.text).not.toContain(name);
    }
    expect(metrics.text).not.toContain(client);
  });

  it('classifies a request by its route, as the throttler guard does', () => {
    const routes = app.get(RouteClasses);
    expect(routes.classify('GET', '/communities/news/notes')).toBe('reads');
    expect(routes.classify('HEAD', '/health')).toBe('reads');
    expect(routes.classify('POST', '/communities/news/members')).toBe('joins');
    expect(routes.classify('POST', '/communities/news/members/')).toBe('joins');
    expect(routes.classify('PUT', '/communities/news/notes/0b7c/rating')).toBe('writes');
    expect(routes.classify('GET', '/metrics')).toBe('operator');
    expect(routes.classify('PATCH', '/communities/news')).toBe('operator');
    expect(routes.classify('GET', '/no/such/route')).toBeUndefined();
  });
});
