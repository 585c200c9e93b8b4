import type { INestApplication } from '@nestjs/common';
import { redisPersistence } from '@bridgenotes/queue';
import type { Request, Response } from 'express';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import Redis from 'ioredis';
import { createServer, type Server } from 'node:net';
import request from 'supertest';

import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { atProcessTime, TestClock } from '../../testing/clock';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { CLIENT_KEY_ROTATION_MS, ClientKeys, clientNetwork } from './client-keys';
import { RateLimitBudgets } from './rate-limit-budgets';
import { RateLimitStore } from './rate-limit-store';

const LIMITS = {
  RATE_LIMIT_READS: '4',
  RATE_LIMIT_JOINS: '2',
  RATE_LIMIT_WRITES: '25',
  RATE_LIMIT_OPERATOR: '30',
  RATE_LIMIT_FAILED_PROOF_COST: '10',
  // Each test's client is its own X-Forwarded-For address, as behind one trusted proxy.
  TRUST_PROXY_HOPS: '1',
};

let clients = 0;
const newClient = () => `198.51.100.${(clients += 1)}`;

/**
 * The limits' own Redis (RATE_LIMIT_REDIS_URL), as a deployment runs one beside the queues':
 * here another database of the run's Redis, when it keeps nothing on disk (CI's and the
 * development machines' do; docker-compose's `redis`, which `npm test` starts where none runs,
 * persists, and the API would rightly refuse it: the fake server's case below covers that). None
 * in the embedded pass, which has no Redis: each process's memory then holds the buckets. Known
 * before the tests are collected (the global setup read the Redis), so that the tests of what
 * the limits' Redis holds are skipped, with the reason in their name, rather than passing
 * having looked at nothing.
 */
const LIMITS_DB = 7;
const noQueuesRedis =
  currentTestRun().queueBackend === 'redis' ? undefined : 'no Redis: the queues are in PostgreSQL';
const noLimitsRedis =
  noQueuesRedis ??
  (currentTestRun().redisPersistence === 'none'
    ? undefined
    : `the run's Redis may keep data on disk (${currentTestRun().redisPersistence})`);
const limitsUrl =
  noLimitsRedis === undefined
    ? Object.assign(new URL(currentTestRun().redisUrl), { pathname: `/${LIMITS_DB}` }).toString()
    : undefined;

/** `it`, or where what the test needs is missing (`missing` says what), a skip that says so. */
function itUnless(missing: string | undefined, name: string, test: () => Promise<void>): void {
  if (missing === undefined) it(name, test);
  else it.skip(`${name} (skipped: ${missing})`, test);
}

/** A test of what the limits' own Redis holds (given its URL). */
const withLimitsRedis = (name: string, test: (url: string) => Promise<void>) =>
  itUnless(noLimitsRedis, name, () => test(limitsUrl as string));

/** A test beside the queues' Redis. */
const withQueuesRedis = (name: string, test: () => Promise<void>) =>
  itUnless(noQueuesRedis, name, test);

/** The bucket names (`hits` keys) of the run in a Redis, by class. */
async function bucketsIn(url: string): Promise<Map<string, Set<string>>> {
  const redis = new Redis(url);
  try {
    const names = await redis.keys(`{${currentTestRun().queuePrefix}:rate-limit:*:hits`);
    const byClass = new Map<string, Set<string>>();
    for (const name of names) {
      const [, rateLimitClass, bucket] = /:rate-limit:(\w+):([^:]+):/.exec(name) ?? [];
      if (!byClass.has(rateLimitClass)) byClass.set(rateLimitClass, new Set());
      byClass.get(rateLimitClass)?.add(bucket);
    }
    return byClass;
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis as far as the limits' store sees one (RESP: the ready check's INFO, CONFIG GET), whose
 * configuration says it keeps its data on disk; records every command it is sent.
 */
async function persistingRedis(): Promise<{ url: string; commands: string[]; server: Server }> {
  const commands: string[] = [];
  const config: Record<string, string> = { appendonly: 'yes', save: '3600 1' };
  const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  const server = createServer((socket) => {
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      // Whole commands only: *<n>, then <n> times $<length> and the argument.
      for (;;) {
        const lines = pending.split('\r\n');
        const count = Number(lines[0]?.slice(1));
        if (!lines[0]?.startsWith('*') || lines.length < 1 + 2 * count + 1) return;
        const args = Array.from({ length: count }, (_, index) => lines[2 + 2 * index]);
        pending = lines.slice(1 + 2 * count).join('\r\n');
        const [name = '', ...rest] = args;
        commands.push(name.toLowerCase());
        if (name.toLowerCase() === 'info') socket.write(bulk('# Persistence\r\nloading:0\r\n'));
        else if (name.toLowerCase() === 'config') {
          socket.write(`*2\r\n${bulk(rest[1])}${bulk(config[rest[1]] ?? '')}`);
        } else socket.write('-ERR not in this fake\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `redis://127.0.0.1:${port}`, commands, server };
}

describe('rate limits', () => {
  let app: INestApplication;
  const server = () => app.getHttpServer();
  // The buckets' key changes at the top of each hour: held at half past, no test sees a fresh
  // bucket halfway through (but the one that moves it on).
  const clock = new TestClock();

  beforeAll(async () => {
    app = await createTestApp(
      { ...LIMITS, RATE_LIMIT_WINDOW_SECONDS: '60', RATE_LIMIT_REDIS_URL: limitsUrl },
      clock.install,
    );
  });

  afterAll(() => app.close());

  /** Joins a new community, each time a new identity, from the given (forwarded) address. */
  const joinsFrom = async () => {
    const community = await communityWithMembers(app, []);
    return (address: string) =>
      request(server())
        .post(`/communities/${community.slug}/members`)
        .set('X-Forwarded-For', address)
        .send({ commitment: createIdentity().commitment.toString() });
  };

  it('answers 429 with Retry-After and the RateLimit headers once a class is spent', async () => {
    const client = newClient();
    for (let index = 1; index <= 4; index += 1) {
      const response = await request(server()).get('/health').set('X-Forwarded-For', client);
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"reads";q=4;w=60');
      expect(response.headers['ratelimit-limit']).toBe('4');
      expect(response.headers['ratelimit-remaining']).toBe(String(4 - index));
      expect(response.headers['ratelimit']).toMatch(new RegExp(`^"reads";r=${4 - index};t=\\d+$`));
    }
    const refused = await request(server()).get('/health').set('X-Forwarded-For', client);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      code: 'RATE_LIMITED',
      details: { class: 'reads', limit: 4, windowSeconds: 60 },
    });
    expect(refused.body.message).toMatch(/^Too many reads from this client: at most 4 every 60 s/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
  });

  it('keeps one budget per class: spent reads leave joins and operator routes alone', async () => {
    const client = newClient();
    for (let index = 0; index < 5; index += 1) {
      await request(server()).get('/health').set('X-Forwarded-For', client);
    }
    await request(server()).get('/health').set('X-Forwarded-For', client).expect(429);
    const community = await communityWithMembers(app, []);
    const operator = await request(server())
      .get(`/communities/${community.slug}/webhook/deliveries`)
      .set('X-Forwarded-For', client)
      .set('Authorization', `Bearer ${OPERATOR_KEY}`);
    expect(operator.headers['ratelimit-policy']).toBe('"operator";q=30;w=60');
    const join = (commitment: string) =>
      request(server())
        .post(`/communities/${community.slug}/members`)
        .set('X-Forwarded-For', client)
        .send({ commitment });
    const joins = [createIdentity(), createIdentity(), createIdentity()].map((identity) =>
      identity.commitment.toString(),
    );
    expect((await join(joins[0])).status).toBe(201);
    expect((await join(joins[1])).headers['ratelimit-policy']).toBe('"joins";q=2;w=60');
    const third = await join(joins[2]);
    expect(third.status).toBe(429);
    expect(third.body.details.class).toBe('joins');
    // Refused before the route ran: the third identity is not a member.
    const leaves = await request(server()).get(`/communities/${community.slug}/group/leaves`);
    expect(JSON.stringify(leaves.body)).not.toContain(joins[2]);
  });

  it('counts clients apart by address, and X-Forwarded-For only from a trusted proxy', async () => {
    const untrusting = await createTestApp(
      { ...LIMITS, TRUST_PROXY_HOPS: '0' },
      new TestClock().install,
    );
    try {
      // Without a trusted proxy, a header per request does not buy a fresh budget.
      for (let index = 0; index < 4; index += 1) {
        await request(untrusting.getHttpServer())
          .get('/health')
          .set('X-Forwarded-For', newClient())
          .expect(200);
      }
      await request(untrusting.getHttpServer())
        .get('/health')
        .set('X-Forwarded-For', newClient())
        .expect(429);
    } finally {
      await untrusting.close();
    }
    // Behind the trusted proxy, another client has its own budget.
    await request(server()).get('/health').set('X-Forwarded-For', newClient()).expect(200);
  });

  it('makes a client whose proofs fail verification run out of writes ten times faster', async () => {
    const [member] = [createIdentity()];
    const community: TestCommunity = await communityWithMembers(app, [member]);
    const prove = await prover(app, community);
    const payload = { helpfulness: 'HELPFUL', tags: ['CLEAR'] };
    const genuine = await prove(
      member,
      'rating.put',
      'note:00000000-0000-4000-8000-000000000001',
      payload,
    );
    const other = await prove(
      member,
      'rating.put',
      'note:00000000-0000-4000-8000-000000000002',
      payload,
    );
    // The issue's forgery: every public field right, the points of another (genuine) proof.
    const { kind, target, clientMinute } = genuine.action;
    const action = { kind, target, payload, clientMinute };
    const forged = { action, proof: { ...genuine.proof, points: other.proof.points } };
    // The dry-run check is a proven write like any other: the same check, the same budget.
    const url = `/communities/${community.slug}/proofs/check`;
    const forger = newClient();
    const codes: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await request(server())
        .post(url)
        .set('X-Forwarded-For', forger)
        .send(forged);
      codes.push(response.status);
      if (response.status === 403) expect(response.body.code).toBe('PROOF_INVALID');
    }
    // 10 + 10 + (1 taken at the edge, then 9 more) > 25: the fourth is refused at the edge.
    expect(codes).toEqual([403, 403, 403, 429]);

    // A client whose writes fail only the cheap checks spends one each.
    const clumsy = newClient();
    const cheap = { ...forged, proof: { ...forged.proof, scope: '1' } };
    for (let index = 0; index < 25; index += 1) {
      const response = await request(server()).post(url).set('X-Forwarded-For', clumsy).send(cheap);
      expect(response.body.code).toBe('PROOF_SCOPE');
    }
    await request(server()).post(url).set('X-Forwarded-For', clumsy).send(cheap).expect(429);
  });

  it("starts a client's budgets afresh when the key changes at the top of the hour", async () => {
    const client = newClient();
    const read = () => request(server()).get('/health').set('X-Forwarded-For', client);
    for (let index = 0; index < 4; index += 1) await read().expect(200);
    await read().expect(429);
    const halfPast = clock.at;
    try {
      // The same hour still: the same bucket, spent.
      clock.at = Math.ceil(halfPast / CLIENT_KEY_ROTATION_MS) * CLIENT_KEY_ROTATION_MS - 1;
      await read().expect(429);
      // The next hour: another key names another bucket, the whole budget in it.
      clock.at += 1;
      const fresh = await read().expect(200);
      expect(fresh.headers['ratelimit-remaining']).toBe('3');
    } finally {
      clock.at = halfPast;
    }
  });

  it('remembers a client whose proof failed for its whole window, across the top of the hour', () => {
    const budgets = app.get(RateLimitBudgets);
    // A request as the budgets read it: its address only.
    const from = (address: string) => ({ ip: address }) as unknown as Request;
    const forger = newClient();
    const halfPast = clock.at;
    try {
      clock.at = Math.ceil(halfPast / CLIENT_KEY_ROTATION_MS) * CLIENT_KEY_ROTATION_MS - 10_000;
      // Read before the mark: read after it, a millisecond ticking in between (a loaded machine)
      // put the mark before `marked`, and the case failed.
      const marked = Date.now();
      budgets.markSuspect(from(forger));
      // Ten seconds later by the key's clock, the next hour: still within the 60 s window.
      clock.at += 10_000;
      expect(budgets.isSuspect(from(forger))).toBe(true);
      expect(budgets.failedSince(from(forger), marked)).toBe(true);
      expect(budgets.isSuspect(from(newClient()))).toBe(false);
    } finally {
      clock.at = halfPast;
    }
  });

  it('forgets a mark whose window ended behind one that runs, made before the wall clock stepped back', async () => {
    const budgets = app.get(RateLimitBudgets);
    const from = (address: string) => ({ ip: address }) as unknown as Request;
    const [first, second] = [newClient(), newClient()];
    const marked = Date.now();
    const stepBack = 10 * budgets.windowMs;
    await atProcessTime(marked, async () => budgets.markSuspect(from(first)));
    // The clock steps back: the second mark ends long before the first, but comes after it.
    await atProcessTime(marked - stepBack, async () => budgets.markSuspect(from(second)));
    await atProcessTime(marked, async () => {
      expect(budgets.isSuspect(from(first))).toBe(true);
      expect(budgets.isSuspect(from(second))).toBe(false);
    });
  });

  it('counts an IPv6 /48 as well as its /64s: a new /64 of the same /48 does not buy a fresh budget', async () => {
    const joinFrom = await joinsFrom();
    // Each /64 its own budget of 2 joins, the /48 sixteen of them: 32 joins, one from each /64.
    for (let index = 1; index <= 32; index += 1) {
      expect((await joinFrom(`2001:db8:0:${index}::1`)).status).toBe(201);
    }
    const refused = await joinFrom('2001:db8:0:33::1');
    expect(refused.status).toBe(429);
    expect(refused.body.details).toEqual({ class: 'joins', limit: 32, windowSeconds: 60 });
    expect(refused.body.message).toMatch(
      /^Too many joins from this client's IPv6 \/48: at most 32/,
    );
    // Remembered at the door for the whole /48 (a /64 not seen yet), in that class only.
    const early = await joinFrom('2001:db8:0:34::1');
    expect(early.status).toBe(429);
    expect(early.body.details).toEqual({ class: 'joins', limit: 32, windowSeconds: 60 });
    await request(server()).get('/health').set('X-Forwarded-For', '2001:db8:0:34::1').expect(200);
    // Another /48 is another site, with budgets of its own.
    expect((await joinFrom('2001:db8:1:1::1')).status).toBe(201);
  });

  it("does not charge a /48 for a /64's refused requests: one spent /64 cannot block its /48", async () => {
    const joinFrom = await joinsFrom();
    // The /64 spends its 2 joins, then is refused.
    for (let index = 0; index < 2; index += 1) {
      expect((await joinFrom('2001:db8:48:1::1')).status).toBe(201);
    }
    expect((await joinFrom('2001:db8:48:1::1')).status).toBe(429);
    // Then more than the /48's 32 joins, each reaching the store as they do from other API
    // processes or in a burst (this process's copy of the block is not consulted here): each is
    // refused by the /64's own bucket.
    const budgets = app.get(RateLimitBudgets);
    const response = { headersSent: false, setHeader: () => response } as unknown as Response;
    for (let index = 0; index < 40; index += 1) {
      const flood = { ip: '2001:db8:48:1::1' } as unknown as Request;
      await expect(budgets.spend(flood, response, 'joins')).rejects.toMatchObject({
        code: 'RATE_LIMITED',
      });
    }
    // Another /64 of the same /48 is still served.
    expect((await joinFrom('2001:db8:48:2::1')).status).toBe(201);
  });

  it("tells a /64 refused by its own bucket its /48's longer block: its retry is not refused again", async () => {
    const budgets = app.get(RateLimitBudgets);
    /** Spends one read as the store sees it (as from another API process): its Retry-After. */
    const readFrom = async (address: string) => {
      const headers: Record<string, unknown> = {};
      const response = {
        headersSent: false,
        setHeader: (name: string, value: unknown) => (headers[name] = value),
      } as unknown as Response;
      try {
        await budgets.spend({ ip: address } as unknown as Request, response, 'reads');
        return { refused: undefined, retry: undefined };
      } catch (error) {
        return { refused: error as { message: string }, retry: Number(headers['Retry-After']) };
      }
    };
    // The /64 spends its 4 reads and is blocked for the window (60 s)…
    const own = '2001:db8:64:1::1';
    for (let index = 0; index < 4; index += 1)
      expect((await readFrom(own)).refused).toBe(undefined);
    expect((await readFrom(own)).retry).toBe(60);
    // …which runs (its wait read again, not lengthened)…
    const ownWait = await eventually(
      async () => {
        const { retry } = await readFrom(own);
        expect(retry).toBeLessThanOrEqual(58);
        return retry as number;
      },
      PATIENCE_MS,
      250,
    );
    // …then the other /64s of its /48 spend the rest of the /48's 64 reads: it is blocked for
    // the window from now, longer than the /64.
    for (let net = 2; net <= 16; net += 1) {
      for (let index = 0; index < 4; index += 1) {
        expect((await readFrom(`2001:db8:64:${net}::1`)).refused).toBe(undefined);
      }
    }
    const site = await readFrom('2001:db8:64:17::1');
    expect(site.refused?.message).toMatch(/^Too many reads from this client's IPv6 \/48/);
    // The /64 is told the /48's wait: after its own, the /48 would refuse it.
    const told = await readFrom(own);
    expect(told.retry).toBeGreaterThan(ownWait);
    expect(told.retry).toBeGreaterThanOrEqual((site.retry as number) - 1);
    expect(told.refused?.message).toMatch(
      /^Too many reads from this client's IPv6 \/48: at most 64/,
    );
  });

  it("still refuses a /64 refused by its own bucket when reading its /48's block fails", async () => {
    const budgets = app.get(RateLimitBudgets);
    const store = app.get(RateLimitStore);
    const own = '2001:db8:65:1::1';
    const readFrom = (address: string) =>
      budgets.spend(
        { ip: address } as unknown as Request,
        { headersSent: false, setHeader: () => undefined } as unknown as Response,
        'reads',
      );
    for (let index = 0; index < 4; index += 1) await readFrom(own);
    // The read that only looks for a better Retry-After fails (a connection dropped between the
    // store's two round trips): the refusal its own bucket gave stands.
    const failing = jest
      .spyOn(store, 'blockedFor')
      .mockRejectedValue(new Error('Connection is closed.'));
    try {
      await expect(readFrom(own)).rejects.toThrow(/^Too many reads from this client/);
      expect(failing).toHaveBeenCalled();
    } finally {
      failing.mockRestore();
    }
  });

  it('counts a forwarded address with a port as the address: a new port is no new budget', async () => {
    const read = (port: number) =>
      request(server()).get('/health').set('X-Forwarded-For', `203.0.113.77:${port}`);
    for (let port = 50_001; port <= 50_004; port += 1) await read(port).expect(200);
    await read(50_005).expect(429);
  });

  it('remembers the /48 of an IPv6 client whose proof failed: a fresh /64 is still suspect', () => {
    const budgets = app.get(RateLimitBudgets);
    const from = (address: string) => ({ ip: address }) as unknown as Request;
    budgets.markSuspect(from('2001:db8:0:1::1'));
    expect(budgets.isSuspect(from('2001:db8:0:2::1'))).toBe(true);
    expect(budgets.isSuspect(from('2001:db8:1:1::1'))).toBe(false);
  });

  it('keeps no address: bucket names are keyed hashes that change with the key', async () => {
    const keys = new ClientKeys('a'.repeat(32), () => 0);
    const later = new ClientKeys('a'.repeat(32), () => 2 * 60 * 60_000);
    const drawn = new ClientKeys(undefined, () => 0);
    expect(keys.of('203.0.113.9', 'reads')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keys.of('203.0.113.9', 'reads')).toBe(keys.of('::ffff:203.0.113.9', 'reads'));
    expect(keys.of('203.0.113.9', 'reads')).not.toBe(keys.of('203.0.113.10', 'reads'));
    expect(later.of('203.0.113.9', 'reads')).not.toBe(keys.of('203.0.113.9', 'reads'));
    // One key for the whole hour, another from its last millisecond to the next one's first.
    let now = 5 * CLIENT_KEY_ROTATION_MS;
    const moving = new ClientKeys('a'.repeat(32), () => now);
    const hourly = moving.of('203.0.113.9', 'reads');
    now += CLIENT_KEY_ROTATION_MS - 1;
    expect(moving.of('203.0.113.9', 'reads')).toBe(hourly);
    now += 1;
    expect(moving.of('203.0.113.9', 'reads')).not.toBe(hourly);
    expect(drawn.of('203.0.113.9', 'reads')).not.toBe(keys.of('203.0.113.9', 'reads'));
    // The class is inside the hash: one client's buckets of two classes share nothing.
    expect(keys.of('203.0.113.9', 'joins')).not.toBe(keys.of('203.0.113.9', 'writes'));
    expect(keys.of('203.0.113.9', 'joins')).not.toBe(keys.of('203.0.113.9', 'reads'));
    expect(keys.of('203.0.113.9', 'joins')).toBe(keys.of('::ffff:203.0.113.9', 'joins'));
    expect(clientNetwork('2001:db8:0:1::5')).toBe('2001:db8:0:1');
    expect(clientNetwork('2001:DB8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1');
  });

  withLimitsRedis(
    'keeps no address in the limits Redis: every bucket name there is a keyed hash',
    async (url) => {
      const redis = new Redis(url);
      try {
        const names = await redis.keys(`{${currentTestRun().queuePrefix}:rate-limit:*`);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) {
          expect(name).toMatch(
            /^\{[^:]+:rate-limit:(reads|joins|writes|operator):[A-Za-z0-9_-]{22}:\w+\}:(hits|blocked)$/,
          );
          expect(name).not.toMatch(/198\.51\.100|127\.0\.0\.1|::1/);
        }
      } finally {
        redis.disconnect();
      }
    },
  );

  withLimitsRedis(
    "names one client's buckets of each class apart: its join, writes and reads are not linked",
    async (url) => {
      const before = await bucketsIn(url);
      const client = newClient();
      const community = await communityWithMembers(app, []);
      await request(server()).get('/health').set('X-Forwarded-For', client).expect(200);
      await request(server())
        .post(`/communities/${community.slug}/members`)
        .set('X-Forwarded-For', client)
        .send({ commitment: createIdentity().commitment.toString() })
        .expect(201);
      await request(server())
        .post(`/communities/${community.slug}/proofs/check`)
        .set('X-Forwarded-For', client)
        .send({})
        .expect((response) => expect(response.headers['ratelimit-policy']).toMatch(/^"writes"/));
      const after = await bucketsIn(url);
      const added = (rateLimitClass: string) =>
        [...(after.get(rateLimitClass) ?? [])].filter(
          (bucket) => !before.get(rateLimitClass)?.has(bucket),
        );
      // This client's one new bucket in each class, under three names.
      const [read, join, write] = ['reads', 'joins', 'writes'].map(added);
      expect(join).toHaveLength(1);
      expect(write).toHaveLength(1);
      expect(read.length).toBeGreaterThanOrEqual(1);
      expect(read).not.toContain(join[0]);
      expect(write).not.toContain(join[0]);
      expect(read).not.toContain(write[0]);
      // No name is found in two classes: nothing in the store ties a join to a client's writes.
      for (const [one, named] of after) {
        for (const [other, others] of after) {
          if (one === other) continue;
          expect([...named].filter((bucket) => others.has(bucket))).toEqual([]);
        }
      }
    },
  );

  withLimitsRedis(
    "keeps the buckets in the limits Redis only, never in the queues' Redis",
    async (url) => {
      const client = newClient();
      await request(server()).get('/health').set('X-Forwarded-For', client).expect(200);
      const limits = await bucketsIn(url);
      expect(limits.get('reads')?.size ?? 0).toBeGreaterThan(0);
      const queues = new Redis(currentTestRun().redisUrl);
      try {
        expect(await queues.keys(`*${currentTestRun().queuePrefix}:rate-limit:*`)).toEqual([]);
      } finally {
        queues.disconnect();
      }
    },
  );

  it('reads what a Redis keeps on disk, to keep the buckets in memory when it persists', async () => {
    // Reads what the server keeps on disk with CONFIG GET; unknown when it refuses CONFIG.
    const fake = (config: Record<string, string>) =>
      ({
        call: async (_command: string, _get: string, name: string) => [name, config[name]],
      }) as unknown as Redis;
    expect(await redisPersistence(fake({ appendonly: 'no', save: '' }))).toBe('none');
    expect(await redisPersistence(fake({ appendonly: 'yes', save: '' }))).toBe('appendonly yes');
    expect(await redisPersistence(fake({ appendonly: 'no', save: '3600 1' }))).toBe(
      'save "3600 1"',
    );
    const refusing = {
      call: async () => {
        throw new Error("ERR unknown command 'CONFIG'");
      },
    } as unknown as Redis;
    expect(await redisPersistence(refusing)).toBeUndefined();
  });

  withQueuesRedis(
    "keeps the buckets in memory when no limits Redis is set, not in the queues' Redis",
    async () => {
      const run = currentTestRun();
      // No RATE_LIMIT_REDIS_URL: the queues' Redis is there, and still not used for limits.
      const apart = await createTestApp(
        { ...LIMITS, RATE_LIMIT_REDIS_URL: undefined },
        new TestClock().install,
      );
      try {
        const client = newClient();
        for (let index = 0; index < 4; index += 1) {
          await request(apart.getHttpServer())
            .get('/health')
            .set('X-Forwarded-For', client)
            .expect(200);
        }
        await request(apart.getHttpServer())
          .get('/health')
          .set('X-Forwarded-For', client)
          .expect(429);
        const queues = new Redis(run.redisUrl);
        try {
          expect(await queues.keys(`*${run.queuePrefix}:rate-limit:*`)).toEqual([]);
        } finally {
          queues.disconnect();
        }
      } finally {
        await apart.close();
      }
    },
  );
  it('refuses a limits Redis that keeps its data on disk, and counts in memory instead', async () => {
    const persisting = await persistingRedis();
    const apart = await createTestApp(
      { ...LIMITS, RATE_LIMIT_REDIS_URL: persisting.url },
      new TestClock().install,
    );
    try {
      const client = newClient();
      const read = () =>
        request(apart.getHttpServer()).get('/health').set('X-Forwarded-For', client);
      for (let index = 0; index < 4; index += 1) await read().expect(200);
      await read().expect(429);
      // Its persistence was read, and no bucket was sent to it.
      expect(persisting.commands).toContain('config');
      expect(persisting.commands).not.toContain('eval');
    } finally {
      await apart.close();
      persisting.server.close();
    }
  });
});

describe('rate limits over a short window', () => {
  it('refills the budget when the window has passed', async () => {
    const app = await createTestApp(
      { ...LIMITS, RATE_LIMIT_WINDOW_SECONDS: '1' },
      new TestClock().install,
    );
    try {
      const client = newClient();
      const read = () => request(app.getHttpServer()).get('/health').set('X-Forwarded-For', client);
      // The budget (4) spent within one window: five reads at once, since one after another a
      // loaded machine may spread them over several windows and never be refused; again should
      // a burst straddle two windows.
      await eventually(async () => {
        const answers = await Promise.all(Array.from({ length: 5 }, () => read()));
        expect(answers.map((answer) => answer.status)).toContain(429);
      });
      // Waiting on the condition, not a fixed sleep: the same client is served again. It asks
      // as a client honouring Retry-After (1 s here) does: one that keeps asking faster keeps
      // its hits in the window, and is refused for as long as it does.
      const served = await eventually(
        async () => {
          const response = await read();
          expect(response.status).toBe(200);
          return response;
        },
        PATIENCE_MS,
        1_100,
      );
      expect(Number(served.headers['ratelimit-remaining'])).toBeLessThan(4);
    } finally {
      await app.close();
    }
  });
});

describe('rate limits over a window longer than an hour', () => {
  it("keeps a client's bucket across the top of an hour inside its window", async () => {
    const hour = 60 * 60_000;
    const clock = new TestClock();
    // The top of an hour that is not a whole number of 2-hour windows from the epoch.
    let top = Math.ceil(clock.at / hour) * hour;
    if (top % (2 * hour) === 0) top += hour;
    clock.at = top - 1;
    const app = await createTestApp(
      { ...LIMITS, RATE_LIMIT_WINDOW_SECONDS: '7200', RATE_LIMIT_REDIS_URL: limitsUrl },
      clock.install,
    );
    try {
      const client = newClient();
      const read = () => request(app.getHttpServer()).get('/health').set('X-Forwarded-For', client);
      // Spent at HH:59:59.999.
      for (let index = 0; index < 4; index += 1) await read().expect(200);
      await read().expect(429);
      // A millisecond later, the next hour: the same 2-hour window, still spent.
      clock.at += 1;
      await read().expect(429);
      // The key changes with the window's period instead: a fresh budget an hour later.
      clock.at += hour;
      const fresh = await read().expect(200);
      expect(fresh.headers['ratelimit-remaining']).toBe('3');
    } finally {
      await app.close();
    }
  });
});
