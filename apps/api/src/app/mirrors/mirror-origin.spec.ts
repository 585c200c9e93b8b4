import type { INestApplication } from '@nestjs/common';
import type { Prisma, PrismaClient } from '@bridgenotes/database';
import { PRIVATE_ORIGIN_REFUSAL } from '@bridgenotes/mirroring';
import { EXPORT_FORMAT, EXPORT_STREAMS } from '@bridgenotes/open-data';
import {
  communityScope,
  MODERATION_GENESIS,
  MODERATION_REASONS,
  moderationEntryHash,
  OPERATOR_MODERATOR,
} from '@bridgenotes/protocol';
import { startInnerService } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

import { atProcessTime } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import { pullerOf } from '../../testing/origin-and-mirror';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
type Json = Record<string, unknown>;

function originManifest(): Json & { community: Json; rules: Json } {
  const id = randomUUID();
  return {
    format: EXPORT_FORMAT,
    community: {
      id,
      slug: `origin-${id.slice(0, 8)}`,
      name: 'Origin news',
      scope: communityScope(id).toString(),
    },
    rules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 10 },
    generatedAt: new Date().toISOString(),
    changeHorizon: '1',
    streams: EXPORT_STREAMS,
  };
}

/** A well-formed promotion of the community `manifest` serves (from another instance). */
function promotionOf(manifest: ReturnType<typeof originManifest>) {
  return {
    from: { url: 'https://gone.example', community: 'news' },
    at: new Date().toISOString(),
    root: '0',
    treeSize: 0,
    originChangeHorizon: '1',
    changeHorizon: '1',
    originRules: manifest.rules,
  };
}

/**
 * An origin serving whatever manifest a test sets: the mirror trusts nothing of it beyond what it
 * checks, and a manifest it cannot follow is a 502 naming the field, before anything is stored.
 */
describe('following an origin whose manifest is hostile', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let origin: Server;
  let originUrl: string;
  let served: unknown;
  /** When set, the one entry of the origin's moderation log. */
  let moderation: Json | undefined;
  /** When set, how the origin answers instead of serving `served`. */
  let misbehave: ((response: ServerResponse) => void) | undefined;
  /** Requests the origin received. */
  let originRequests = 0;

  beforeAll(async () => {
    // Limits reached in a moment; the defaults are far above a real manifest. The idle limit is
    // still long enough for a busy machine: the origin answers from this process, so a pause of
    // its event loop (500 ms was seen at load 12-18) reads as the origin falling silent.
    app = await createTestApp({ MIRROR_MAX_RECORD_BYTES: '4096', MIRROR_READ_IDLE_MS: '3000' });
    prisma = createTestPrisma();
    origin = createServer((incoming, response) => {
      originRequests += 1;
      if (misbehave) return misbehave(response);
      // The manifest as set; every stream empty, and no scoring runs.
      const path = new URL(incoming.url ?? '/', 'http://origin').pathname;
      if (path.endsWith('/export')) {
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify(served));
      } else if (path.endsWith('/export/moderation') && moderation) {
        response.setHeader('Content-Type', 'application/x-ndjson');
        response.end(`${JSON.stringify(moderation)}\n`);
      } else if (path.endsWith('/scoring-runs')) {
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ items: [], nextCursor: null }));
      } else {
        response.setHeader('Content-Type', 'application/x-ndjson');
        response.end();
      }
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    misbehave = undefined;
    moderation = undefined;
  });

  afterAll(async () => {
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
    await app.close();
    await prisma.$disconnect();
  });

  const follow = (manifest: unknown, body: Json = {}) => {
    served = manifest;
    return request(app.getHttpServer())
      .post('/mirrors')
      .set(operator)
      .send({ origin: originUrl, community: 'news', ...body });
  };

  const community = (m: ReturnType<typeof originManifest>, fields: Json) => ({
    ...m,
    community: { ...m.community, ...fields },
  });
  const hostile: [string, (manifest: ReturnType<typeof originManifest>) => unknown, string][] = [
    ['no community', ({ community: _, ...rest }) => rest, 'community'],
    ['no rules', ({ rules: _, ...rest }) => rest, 'rules'],
    // Its scope derived from it, as a hostile origin would send it.
    [
      'an id that is no UUID',
      (m) => community(m, { id: 'x', scope: communityScope('x').toString() }),
      'community.id',
    ],
    ['a name too long', (m) => community(m, { name: 'n'.repeat(121) }), 'community.name'],
    ['a name with U+0000', (m) => community(m, { name: 'a\u0000b' }), 'community.name'],
    ['an empty name', (m) => community(m, { name: '' }), 'community.name'],
    ['an invalid slug', (m) => community(m, { slug: 'Not A Slug' }), 'community.slug'],
    [
      'a rule that is no whole number',
      (m) => ({ ...m, rules: { ...m.rules, clockSkewMinutes: '10' } }),
      'rules.clockSkewMinutes',
    ],
    [
      "a clock skew over the protocol's",
      (m) => ({ ...m, rules: { ...m.rules, clockSkewMinutes: 11 } }),
      'rules.clockSkewMinutes',
    ],
    [
      'a root history window over 30 days, which the mirror would keep for good',
      (m) => ({ ...m, rules: { ...m.rules, rootHistoryWindowSeconds: 30 * 86_400 + 1 } }),
      'rules.rootHistoryWindowSeconds',
    ],
    [
      'a negative rule',
      (m) => ({ ...m, rules: { ...m.rules, rootHistoryWindowSeconds: -1 } }),
      'rules.rootHistoryWindowSeconds',
    ],
    ['a change horizon that is no batch', (m) => ({ ...m, changeHorizon: 'x' }), 'changeHorizon'],
    ['a promotion that is no object', (m) => ({ ...m, promotion: 'yes' }), 'promotion'],
    [
      'a promotion without its root',
      (m) => ({ ...m, promotion: { ...promotionOf(m), root: undefined } }),
      'promotion.root',
    ],
    [
      'a promotion at no time',
      (m) => ({ ...m, promotion: { ...promotionOf(m), at: 'yesterday' } }),
      'promotion.at',
    ],
  ];
  it.each(hostile)('answers 502 ORIGIN_INVALID for %s, storing nothing', async (_, edit, field) => {
    const manifest = originManifest();
    const refused = await follow(edit(manifest)).expect(502);
    expect(refused.body.code).toBe('ORIGIN_INVALID');
    expect(refused.body.message).toContain(field);
    expect(
      await prisma.community.count({ where: { id: manifest.community['id'] as string } }),
    ).toBe(0);
  });

  it('answers 502 ORIGIN_INVALID for a manifest over MIRROR_MAX_RECORD_BYTES, and stops reading it', async () => {
    let closedEarly: Promise<boolean> | undefined;
    misbehave = (response) => {
      closedEarly = new Promise((resolve) =>
        response.once('close', () => resolve(!response.writableFinished)),
      );
      // A name that never ends, sent as fast as the API reads it (up to 64 MiB: an API without
      // the limit fails the test, not the machine).
      response.write(JSON.stringify(originManifest()).replace('"Origin news"', '"'));
      let sent = 0;
      const more = () => {
        while (!response.destroyed && sent < 64 << 20) {
          sent += 16_384;
          if (!response.write('n'.repeat(16_384))) return void response.once('drain', more);
        }
      };
      more();
    };
    const refused = await follow(undefined).expect(502);
    expect(refused.body).toMatchObject({
      code: 'ORIGIN_INVALID',
      message: expect.stringMatching(
        /the JSON document is over 4096 bytes \(limit: MIRROR_MAX_RECORD_BYTES\)$/,
      ),
    });
    expect(await closedEarly).toBe(true);
  });

  it('answers 502 ORIGIN_UNREACHABLE for an origin silent for MIRROR_READ_IDLE_MS', async () => {
    misbehave = (response) => void response.write('{"format":');
    const refused = await follow(undefined).expect(502);
    expect(refused.body).toMatchObject({
      code: 'ORIGIN_UNREACHABLE',
      message: expect.stringMatching(/nothing arrived for 3000 ms \(limit: MIRROR_READ_IDLE_MS\)$/),
    });
  });

  it('answers 502 ORIGIN_INVALID for a manifest answered with a redirect, never following it', async () => {
    const inner = await startInnerService('SECRET-123');
    try {
      misbehave = (response) => response.writeHead(302, { location: `${inner.url}/` }).end();
      const refused = await follow(undefined).expect(502);
      expect(refused.body).toMatchObject({
        code: 'ORIGIN_INVALID',
        message: expect.stringContaining('answered a redirect (302), which is not followed'),
      });
      expect(JSON.stringify(refused.body)).not.toContain('SECRET-123');
      expect(inner.requests()).toBe(0);
    } finally {
      await inner.close();
    }
  });

  it('answers 502 ORIGIN_UNREACHABLE for an origin at a private address unless MIRROR_ALLOW_PRIVATE_ORIGINS is true', async () => {
    const guarded = await createTestApp({ MIRROR_ALLOW_PRIVATE_ORIGINS: 'false' });
    try {
      const before = originRequests;
      served = originManifest();
      const refused = await request(guarded.getHttpServer())
        .post('/mirrors')
        .set(operator)
        .send({ origin: originUrl, community: 'news' })
        .expect(502);
      expect(refused.body).toMatchObject({
        code: 'ORIGIN_UNREACHABLE',
        message: expect.stringContaining(PRIVATE_ORIGIN_REFUSAL),
      });
      expect(originRequests).toBe(before);
    } finally {
      await guarded.close();
    }
  });

  it('takes a slug of its own in place of an invalid one of the origin', async () => {
    const manifest = originManifest();
    const slug = `own-${randomUUID().slice(0, 8)}`;
    const created = await follow(community(manifest, { slug: 'Not A Slug' }), { slug }).expect(201);
    expect(created.body.community).toEqual({ id: manifest.community['id'], slug });
  });

  it('follows a stopped mirror again elsewhere only where the same community is served with its cursors', async () => {
    const manifest = originManifest();
    const { id } = (await follow(manifest).expect(201)).body;
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    const elsewhere = () =>
      request(app.getHttpServer())
        .post(`/mirrors/${id}/follow`)
        .set(operator)
        .send({ origin: originUrl, community: 'news-moved' });
    // Another community there; or the same one, promoted from a mirror: its cursors are its own.
    served = originManifest();
    expect((await elsewhere().expect(502)).body.message).toContain('it serves community');
    served = { ...manifest, promotion: promotionOf(manifest) };
    const promoted = await elsewhere().expect(409);
    expect(promoted.body).toMatchObject({
      code: 'ORIGIN_LINEAGE_CHANGED',
      message: expect.stringContaining("which this mirror's pulls never read"),
    });
    served = manifest;
    const moved = await elsewhere().expect(200);
    expect(moved.body).toMatchObject({
      following: true,
      origin: { url: originUrl, slug: 'news-moved' },
    });
  });

  it.each([
    [
      'no community',
      ({ community: _, ...rest }: ReturnType<typeof originManifest>) => rest,
      'community',
    ],
    ['no streams', ({ streams: _, ...rest }: ReturnType<typeof originManifest>) => rest, 'streams'],
    [
      'a negative rule',
      (m: ReturnType<typeof originManifest>) => ({
        ...m,
        rules: { ...m.rules, clockSkewMinutes: -1 },
      }),
      'rules.clockSkewMinutes',
    ],
  ])(
    'checks the manifest on every pull: %s stops it as ORIGIN_INVALID, its rules kept',
    async (_, edit, field) => {
      const manifest = originManifest();
      const { id } = (await follow(manifest).expect(201)).body;
      served = edit(manifest);
      await expect(pullerOf(app).pull(id)).rejects.toMatchObject({
        code: 'ORIGIN_INVALID',
        message: expect.stringContaining(`the manifest's ${field}`),
      });
      expect(await prisma.mirror.findUniqueOrThrow({ where: { id } })).toMatchObject({
        lastErrorCode: 'ORIGIN_INVALID',
        originRules: manifest.rules,
        pulledThrough: null,
      });
    },
  );

  it('stops a pull, or a follow elsewhere, at a malformed promotion, naming the field (no 500)', async () => {
    const manifest = originManifest();
    const { id } = (await follow(manifest).expect(201)).body;
    served = { ...manifest, promotion: { ...promotionOf(manifest), treeSize: -1 } };
    await expect(pullerOf(app).pull(id)).rejects.toMatchObject({
      code: 'ORIGIN_INVALID',
      message: expect.stringContaining("the manifest's promotion.treeSize is not a count"),
    });
    expect(await prisma.mirror.findUniqueOrThrow({ where: { id } })).toMatchObject({
      lastErrorCode: 'ORIGIN_INVALID',
      pulledThrough: null,
    });
    // Nineteen digits, past a bigint: no batch either.
    served = { ...manifest, changeHorizon: '9999999999999999999' };
    await expect(pullerOf(app).pull(id)).rejects.toMatchObject({
      code: 'ORIGIN_INVALID',
      message: expect.stringContaining('changeHorizon is not a change batch'),
    });
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    served = { ...manifest, promotion: { ...promotionOf(manifest), from: 'https://gone.example' } };
    const refused = await request(app.getHttpServer())
      .post(`/mirrors/${id}/follow`)
      .set(operator)
      .send({ origin: originUrl, community: 'news-moved' })
      .expect(502);
    expect(refused.body).toMatchObject({
      code: 'ORIGIN_INVALID',
      message: expect.stringContaining('promotion.from is not an object'),
    });
  });

  it('goes on pulling from the instance it follows once promoted, never from another lineage', async () => {
    const manifest = originManifest();
    const { id } = (await follow(manifest).expect(201)).body;
    const puller = pullerOf(app);
    const pull = () => puller.pull(id);
    const stored = () => prisma.mirror.findUniqueOrThrow({ where: { id } });
    await pull();
    expect((await stored()).pulledThrough).toMatchObject({ changeHorizon: '1', promotion: null });

    // Promoted from the very origin this mirror follows: another mirror of it, renumbered.
    served = {
      ...manifest,
      promotion: { ...promotionOf(manifest), from: { url: originUrl, community: 'news' } },
    };
    await expect(pull()).rejects.toMatchObject({
      code: 'ORIGIN_LINEAGE_CHANGED',
      message: expect.stringContaining('the origin this mirror follows'),
    });
    // Promoted past what the mirror read there, at a root of a group it holds: the instance
    // it follows (itself a mirror) was promoted, and its numbering goes on.
    const promotion = { ...promotionOf(manifest), treeSize: 1, changeHorizon: '5' };
    served = { ...manifest, changeHorizon: '6', promotion };
    await pull();
    expect(await stored()).toMatchObject({
      lastErrorCode: null,
      pulledThrough: { changeHorizon: '6', promotion },
    });
    // Then none, or another promotion: not the instance whose numbering the mirror holds.
    for (const other of [undefined, { ...promotion, at: new Date(0).toISOString() }]) {
      served = { ...manifest, changeHorizon: '6', promotion: other };
      await expect(pull()).rejects.toMatchObject({ code: 'ORIGIN_LINEAGE_CHANGED' });
      expect((await stored()).lastErrorCode).toBe('ORIGIN_LINEAGE_CHANGED');
    }
    // A served export of the promoted instance, elsewhere: the same promotion, followed.
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    served = { ...manifest, changeHorizon: '6', promotion };
    await request(app.getHttpServer())
      .post(`/mirrors/${id}/follow`)
      .set(operator)
      .send({ origin: originUrl, community: 'news-served' })
      .expect(200);
    await pull();
    expect((await stored()).lastErrorCode).toBeNull();
  });

  it('never goes back to an older export of its origin, in a pull or a follow elsewhere', async () => {
    const manifest = { ...originManifest(), changeHorizon: '9' };
    const { id } = (await follow(manifest).expect(201)).body;
    const puller = pullerOf(app);
    await puller.pull(id);
    const elsewhere = () =>
      request(app.getHttpServer())
        .post(`/mirrors/${id}/follow`)
        .set(operator)
        .send({ origin: originUrl, community: 'news-older' });
    served = { ...manifest, changeHorizon: '5' };
    await expect(puller.pull(id)).rejects.toMatchObject({
      code: 'ORIGIN_BEHIND',
      message: expect.stringContaining('its changeHorizon 5 is below 9'),
    });
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    expect((await elsewhere().expect(409)).body.code).toBe('ORIGIN_BEHIND');
    // A pull under horizon 12 cut short may have stored changes below 12: 10 is behind too.
    await request(app.getHttpServer())
      .post(`/mirrors/${id}/follow`)
      .set(operator)
      .send({})
      .expect(200);
    served = { ...manifest, changeHorizon: '12' };
    const cutAtNotes: typeof fetch = (input, init) =>
      String(input).includes('/export/notes')
        ? Promise.reject(new TypeError('fetch failed'))
        : fetch(input, init);
    await expect(puller.pull(id, cutAtNotes)).rejects.toThrow(
      'failed: the connection to the origin failed',
    );
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    served = { ...manifest, changeHorizon: '10' };
    const behind = await elsewhere().expect(409);
    expect(behind.body).toMatchObject({
      code: 'ORIGIN_BEHIND',
      message: expect.stringContaining('its changeHorizon 10 is below 12'),
    });
    served = { ...manifest, changeHorizon: '12' };
    await elsewhere().expect(200);
    await puller.pull(id);
    expect((await prisma.mirror.findUniqueOrThrow({ where: { id } })).pulledThrough).toMatchObject({
      changeHorizon: '12',
    });
  });

  it('copies no moderation entry of the origin once the mirror is promoted, as it stores no page', async () => {
    const manifest = originManifest();
    const communityId = manifest.community['id'] as string;
    const { id } = (await follow(manifest).expect(201)).body;
    // A block: an entry naming a note waits for its note, and this mirror holds none.
    const unhashed = {
      seq: 1,
      action: 'BLOCK' as const,
      target: 'pseudonym:4242',
      reasonCode: MODERATION_REASONS[0],
      moderatorKeyId: OPERATOR_MODERATOR,
      day: '2026-12-01',
      message: null,
      previousHash: MODERATION_GENESIS,
    };
    moderation = {
      ...unhashed,
      hash: moderationEntryHash(communityId, unhashed),
      cursor: '1',
    };
    // The operator stops and promotes the mirror while its pull reads the moderation log.
    const promotedMidway: typeof fetch = async (input, init) => {
      if (String(input).includes('/export/moderation')) {
        await prisma.mirror.update({
          where: { id },
          data: {
            stoppedAt: new Date(),
            promotedAt: new Date(),
            promotion: promotionOf(manifest) as Prisma.InputJsonObject,
          },
        });
      }
      return fetch(input, init);
    };
    await expect(pullerOf(app).pull(id, promotedMidway)).rejects.toMatchObject({
      code: 'PULL_CONFLICT',
    });
    expect(await prisma.moderationLogEntry.count({ where: { communityId } })).toBe(0);
  });

  it('promotes no mirror whose moderation log names a note it does not hold', async () => {
    const manifest = originManifest();
    const communityId = manifest.community['id'] as string;
    const { id } = (await follow(manifest).expect(201)).body;
    await pullerOf(app).pull(id);
    const noteId = randomUUID();
    // As a mirror copied its origin's log before entries waited for their notes.
    await prisma.moderationLogEntry.create({
      data: {
        communityId,
        seq: 1,
        action: 'REDACT',
        target: `note:${noteId}`,
        reasonCode: 'REVIEWED',
        moderatorKeyId: OPERATOR_MODERATOR,
        day: new Date('2026-12-01'),
        message: '1',
        previousHash: MODERATION_GENESIS,
        hash: 'f'.repeat(64),
      },
    });
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    const refused = await request(app.getHttpServer())
      .post(`/mirrors/${id}/promote`)
      .set(operator)
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'MIRROR_LOG_INCOMPLETE',
      message: expect.stringContaining(
        `1 note(s) it does not hold, the first in entry 1: note ${noteId}.`,
      ),
    });
    expect(await prisma.mirror.findUniqueOrThrow({ where: { id } })).toMatchObject({
      promotedAt: null,
    });
  });

  it("records the promotion's time by the database's clock, not the API process's", async () => {
    const manifest = originManifest();
    const { id } = (await follow(manifest).expect(201)).body;
    await pullerOf(app).pull(id);
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    const clock = async () =>
      (await prisma.$queryRaw<[{ at: Date }]>`SELECT clock_timestamp() AS at`)[0].at.getTime();
    const before = await clock();
    // This process's clock a year behind: only Date is faked, timers run as ever.
    const promoted = await atProcessTime(before - 365 * 24 * 3_600_000, () =>
      request(app.getHttpServer()).post(`/mirrors/${id}/promote`).set(operator).expect(200),
    );
    const after = await clock();
    const at = Date.parse(promoted.body.promotion.at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    const stored = await prisma.mirror.findUniqueOrThrow({ where: { id } });
    expect(stored.promotedAt?.toISOString()).toBe(promoted.body.promotion.at);
  });

  it('promotes at the current root at the earliest, when a pulled root is dated ahead of this clock', async () => {
    const manifest = originManifest();
    const communityId = manifest.community['id'] as string;
    const { id } = (await follow(manifest).expect(201)).body;
    await pullerOf(app).pull(id);
    await request(app.getHttpServer()).delete(`/mirrors/${id}`).set(operator).expect(200);
    // As a pulled root dated 5 minutes ahead (within the allowed skew) stands.
    const { treeRoot, treeSize } = await prisma.community.findUniqueOrThrow({
      where: { id: communityId },
    });
    const ahead = new Date(Date.now() + 5 * 60_000);
    await prisma.groupRoot.updateMany({
      where: { communityId, supersededAt: null },
      data: { supersededAt: ahead },
    });
    const seq = await prisma.groupRoot.count({ where: { communityId } });
    await prisma.groupRoot.create({
      data: { communityId, seq, root: treeRoot, size: treeSize, liveMembers: 0, createdAt: ahead },
    });
    const promoted = await request(app.getHttpServer())
      .post(`/mirrors/${id}/promote`)
      .set(operator)
      .expect(200);
    expect(promoted.body.promotion).toMatchObject({ root: treeRoot, treeSize });
    // verify's promotion check: the promoted root current then.
    expect(Date.parse(promoted.body.promotion.at)).toBeGreaterThanOrEqual(ahead.getTime());
  });

  it('answers a refusals cursor beyond int64 with 400 CURSOR_INVALID', async () => {
    const { id } = (await follow(originManifest()).expect(201)).body;
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const refusals = (text: string) =>
      request(app.getHttpServer())
        .get(`/mirrors/${id}/refusals`)
        .query({ cursor: cursor(text) });
    for (const text of ['9223372036854775808', '9999999999999999999']) {
      expect((await refusals(text).expect(400)).body.code).toBe('CURSOR_INVALID');
    }
    expect((await refusals('9223372036854775807').expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
