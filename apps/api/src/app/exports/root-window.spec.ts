import type { INestApplication } from '@nestjs/common';
import { commitmentOf } from '@bridgenotes/client';
import { PrismaClient } from '@bridgenotes/database';
import { createInstanceDatabase, type InstanceDatabase } from '@bridgenotes/embedded/testing';
import type { MirrorPuller } from '@bridgenotes/mirroring';
import { httpSource, verifyExport, type ExportManifest } from '@bridgenotes/open-data';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import {
  backdateCommunity,
  checkProof,
  communityWithMembers,
  createIdentity,
  postNote,
  prover,
  putRating,
  type TestCommunity,
} from '../../testing/members';
import { listenOnLoopback, pullerOf } from '../../testing/origin-and-mirror';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const MINUTE = 60_000;
const WIDE = 7_200;
const NARROW = 600;
const NOTE = {
  post: { url: 'https://example.com/story/window' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The figures are from last year, see https://example.org/figures',
  sources: ['https://example.org/figures'],
};

/** The errors a verification of the export at `url` finds (warnings aside). */
async function exportErrors(url: string, slug: string) {
  const report = await verifyExport(httpSource(url, slug));
  return report.discrepancies.filter((found) => found.severity === 'error');
}

/**
 * ROOT_HISTORY_WINDOW_SECONDS judges each proof when it arrives; an operator may narrow it later.
 * The proofs accepted under the wider window must still verify, at the origin and at a mirror:
 * the export states the widest window the community's proofs were accepted under, never
 * lowered, and a mirror keeps the widest an origin stated. The community is created under the
 * default hour; the instance then runs with two hours, under which two real proofs against a
 * root replaced 80 minutes ago are accepted, then restarts with ten minutes. Under either the
 * hour or the ten minutes, with the clock-skew allowance, that root had expired before them.
 */
describe('the root history window an export states', () => {
  let origin: INestApplication;
  let originUrl: string;
  let port = 0;
  let originDb: PrismaClient;
  let mirror: INestApplication;
  let mirrorUrl: string;
  let mirrorDatabase: InstanceDatabase;
  let mirrorDb: PrismaClient;
  let puller: MirrorPuller;
  let community: TestCommunity;
  let mirrorId: string;
  let noteId: string;
  let prove: Awaited<ReturnType<typeof prover>>;
  const [author, rater] = [createIdentity(), createIdentity()];

  /** The origin, (re)started on the same port with `window` (undefined: the default, an hour). */
  const startOrigin = async (window: number | undefined) => {
    await origin?.close();
    origin = await createTestApp({ ROOT_HISTORY_WINDOW_SECONDS: window?.toString() });
    await origin.listen(port, '127.0.0.1');
    originUrl = (await origin.getUrl()).replace('[::1]', '127.0.0.1');
    port = Number(new URL(originUrl).port);
  };

  /** Pulls once the origin's export covers every write made before (its sealed batches). */
  const pull = async (fetcher?: typeof fetch) => {
    const [{ last }] = await originDb.$queryRaw<{ last: string }[]>`
      SELECT last::text FROM change_batches WHERE id = 1`;
    await eventually(async () => {
      const manifest = await request(origin.getHttpServer())
        .get(`/communities/${community.slug}/export`)
        .expect(200);
      expect(BigInt(manifest.body.changeHorizon)).toBeGreaterThan(BigInt(last));
    });
    return puller.pull(mirrorId, fetcher);
  };

  /** The origin's manifest as an instance from before the widest window was kept serves it. */
  const narrowingOrigin: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!new URL(String(input)).pathname.endsWith('/export')) return response;
    const manifest = (await response.json()) as ExportManifest;
    return Response.json({
      ...manifest,
      rules: { ...manifest.rules, rootHistoryWindowSeconds: NARROW },
    });
  };

  beforeAll(async () => {
    await useSingleThreadedCurve();
    originDb = createTestPrisma();
    // Created under the default hour; the instance then starts with two hours.
    await startOrigin(undefined);
    community = await communityWithMembers(origin, [author, rater]);
    await startOrigin(WIDE);
    // Proven against the group of two, which a third member's admission then replaces.
    prove = await prover(origin, community);
    await request(origin.getHttpServer())
      .post(`/communities/${community.slug}/members/batch`)
      .set(operator)
      .send({ commitments: [commitmentOf(createIdentity())] })
      .expect(201);
    await backdateCommunity(originDb, community.id, 80 * MINUTE);
    noteId = await postNote(origin, community.slug, await prove(author, 'note.create', '', NOTE));

    mirrorDatabase = await createInstanceDatabase(currentTestRun(), 'root-window');
    mirror = await createTestApp({ DATABASE_URL: mirrorDatabase.url });
    mirrorUrl = await listenOnLoopback(mirror);
    mirrorDb = new PrismaClient({
      adapter: new PrismaPg({ connectionString: mirrorDatabase.url }),
    });
    puller = pullerOf(mirror);
    mirrorId = (
      await request(mirror.getHttpServer())
        .post('/mirrors')
        .set(operator)
        .send({ origin: originUrl, community: community.slug })
        .expect(201)
    ).body.id;
    expect(await pull()).toMatchObject({ accepted: { notes: 1 }, refused: 0 });

    // Accepted at the origin under the two hours too, and pulled only after the narrowing.
    const rating = await prove(rater, 'rating.put', `note:${noteId}`, {
      helpfulness: 'HELPFUL',
      tags: ['CLEAR'],
    });
    await putRating(origin, community.slug, noteId, rating);

    await startOrigin(NARROW);
  });

  afterAll(async () => {
    await mirror?.close();
    await origin?.close();
    await originDb?.$disconnect();
    await mirrorDb?.$disconnect();
    await mirrorDatabase?.drop();
    await releaseCurve();
  });

  it('states the widest window the community was run with, not the narrower one it runs now', async () => {
    const manifest = (
      await request(origin.getHttpServer()).get(`/communities/${community.slug}/export`).expect(200)
    ).body;
    expect(manifest.rules).toEqual({ rootHistoryWindowSeconds: WIDE, clockSkewMinutes: 10 });
  });

  it('keeps the proofs accepted under the wider window verifying', async () => {
    expect(await exportErrors(originUrl, community.slug)).toEqual([]);
  });

  it('judges a new proof against that root by the narrower window', async () => {
    const late = await prove(rater, 'proof.check', 'post:1', { n: 1 });
    const refused = (await checkProof(origin, community.slug, late).expect(403)).body;
    expect(refused.code).toBe('PROOF_ROOT_EXPIRED');
  });

  it('keeps the widest window at a mirror whose origin then states a narrower one', async () => {
    // The rating, proven against the replaced root, is taken under the window it was accepted
    // under; the note taken before stays valid in the mirror's own export.
    expect(await pull(narrowingOrigin)).toMatchObject({ accepted: { ratings: 1 }, refused: 0 });
    const kept = await mirrorDb.mirror.findUniqueOrThrow({ where: { id: mirrorId } });
    expect(kept.originRules).toEqual({ rootHistoryWindowSeconds: WIDE, clockSkewMinutes: 10 });
    const manifest = (
      await request(mirror.getHttpServer()).get(`/communities/${community.slug}/export`).expect(200)
    ).body;
    expect(manifest.rules.rootHistoryWindowSeconds).toBe(WIDE);
    expect(await exportErrors(mirrorUrl, community.slug)).toEqual([]);
  });
});
