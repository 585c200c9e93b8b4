// One scenario in order, as an operator leaving another would run it: the instances, the
// community's proofs and the CLI's processes are the costly part, shared by every step.
import { httpSource, verifyExport, type ExportManifest } from '@bridgenotes/open-data';
import { releaseCurve } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

import { bridgenotes, serveFolder, type ServedFolder } from '../../testing/cli';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import { OriginAndMirror, startOriginAndMirror } from '../../testing/origin-and-mirror';
import { publishScoringRun } from '../../testing/scoring';
import { OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const NOTE = {
  post: { url: 'https://news.example/left-behind' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The figure is from another country; see https://stats.example/table',
  sources: ['https://stats.example/table'],
};

/**
 * Instance A's community is saved with `bridgenotes export`, A goes away, and the saved folder
 * is served with `bridgenotes serve`: instance B mirrors it from there, verifying every proof,
 * as it would mirror A; then B's operator stops following and promotes the mirror, and the
 * community lives on at B with the same members, identities and proofs.
 */
describe('leaving an operator: a saved export served, mirrored, and promoted', () => {
  let instances: OriginAndMirror;
  let community: TestCommunity;
  let parent: string;
  let folder: string;
  let served: ServedFolder | undefined;
  let mirrorId: string;
  let originRunId: string;
  const [author, first, second, later] = [
    createIdentity(),
    createIdentity(),
    createIdentity(),
    createIdentity(),
  ];

  beforeAll(async () => {
    instances = await startOriginAndMirror('leave');
    parent = await mkdtemp(join(tmpdir(), 'bn-leave-'));
    folder = join(parent, 'a-export');

    community = await communityWithMembers(instances.origin, [author, first, second, later]);
    const prove = await prover(instances.origin, community);
    const onOrigin = () => request(instances.origin.getHttpServer());
    const note = await prove(author, 'note.create', '', NOTE);
    const noteId = (
      await onOrigin()
        .post(`/communities/${community.slug}/notes`)
        .send(provenBody(note))
        .expect(201)
    ).body.id;
    for (const [rater, helpfulness] of [
      [first, 'HELPFUL'],
      [second, 'NOT_HELPFUL'],
    ] as const) {
      const rating = await prove(rater, 'rating.put', `note:${noteId}`, { helpfulness, tags: [] });
      await onOrigin()
        .put(`/communities/${community.slug}/notes/${noteId}/rating`)
        .send(provenBody(rating))
        .expect(201);
    }
    originRunId = await publishScoringRun(instances.originDb, community.id);
  });

  afterAll(async () => {
    await served?.stop();
    await instances?.close();
    if (parent) await rm(parent, { recursive: true, force: true });
    await releaseCurve();
  });

  const onB = () => request(instances.mirror.getHttpServer());

  /**
   * `bridgenotes export` of the community at `url` into `out`, again until it holds `ratings`
   * ratings: the export's change feed covers a write once its batch is sealed.
   */
  function exportOnceSealed(url: string, out: string, ratings: number): Promise<ExportManifest> {
    return eventually(async () => {
      const saved = await bridgenotes('export', url, '--community', community.slug, '--out', out);
      expect(saved.code).toBe(0);
      const manifest: ExportManifest = JSON.parse(
        await readFile(join(out, 'manifest.json'), 'utf8'),
      );
      expect(manifest.files?.ratings?.records).toBe(ratings);
      return manifest;
    });
  }

  it("serves A's saved export with `bridgenotes serve`; B mirrors it and verifies everything", async () => {
    await exportOnceSealed(instances.originUrl, folder, 2);
    served = await serveFolder(folder);
    const servedUrl = served.url;

    const created = await onB()
      .post('/mirrors')
      .set(operator)
      .send({ origin: servedUrl, community: community.slug })
      .expect(201);
    mirrorId = created.body.id;
    // A first pull cut off before the ratings: the notes' pages are stored, the ratings' not.
    const cutAtRatings: typeof fetch = (input, init) =>
      String(input).includes('/export/ratings')
        ? Promise.reject(new TypeError('fetch failed'))
        : fetch(input, init);
    await expect(instances.puller.pull(mirrorId, cutAtRatings)).rejects.toThrow(
      'failed: the connection to the origin failed',
    );
    expect((await onB().get(`/mirrors/${mirrorId}`).expect(200)).body).toMatchObject({
      lastErrorCode: 'ORIGIN_UNREACHABLE',
      held: { members: 4, notes: 1, ratings: 0 },
    });
    await onB().delete(`/mirrors/${mirrorId}`).set(operator).expect(200);
    const midway = await onB().post(`/mirrors/${mirrorId}/promote`).set(operator).expect(409);
    expect(midway.body.code).toBe('MIRROR_PULL_INCOMPLETE');
    expect(midway.body.message).toContain('POST /mirrors/{id}/follow');

    // Followed again (from the served folder, named anew as an operator would), it finishes.
    const followed = await onB()
      .post(`/mirrors/${mirrorId}/follow`)
      .set(operator)
      .send({ origin: servedUrl, community: community.slug })
      .expect(200);
    expect(followed.body).toMatchObject({ following: true, promotion: null });
    const outcome = await instances.puller.pull(mirrorId);
    expect(outcome).toEqual({
      accepted: { roots: 0, members: 0, notes: 0, ratings: 2 },
      refused: 0,
      originRunFetched: originRunId,
    });
    const report = await verifyExport(httpSource(instances.mirrorUrl, community.slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 4, roots: 1, notes: 1, ratings: 2 },
      proofs: { checked: 3, groth16Verified: 3 },
      promotion: null,
    });
    // Read only: the served origin takes no writes.
    const write = await fetch(`${servedUrl}/communities/${community.slug}/export`, {
      method: 'POST',
    });
    expect(write.status).toBe(405);
    // A parameter named as an object's own property is unknown like any other, not a crash.
    for (const name of ['constructor', '__proto__', 'toString']) {
      const asked = await fetch(
        `${servedUrl}/communities/${community.slug}/export/notes?${name}=1`,
      );
      expect({ name, status: asked.status, body: await asked.json() }).toEqual({
        name,
        status: 400,
        body: { code: 'VALIDATION_FAILED', message: `property ${name} should not exist` },
      });
    }
    // The folder verifies as served, as it does on disk (the CLI's own verify is the promoted
    // case's, below: a second tsx start here would check nothing more).
    const again = await verifyExport(httpSource(servedUrl, community.slug));
    expect(again.discrepancies).toEqual([]);
    expect(again.verdict).toBe('VERIFIED');
  });

  it("promotes the stopped mirror: A's members write on B with their identities, new members join B", async () => {
    const prove = await prover(instances.mirror, community);
    const noteId = (
      await instances.mirrorDb.note.findFirstOrThrow({ where: { communityId: community.id } })
    ).id;
    const rating = await prove(later, 'rating.put', `note:${noteId}`, {
      helpfulness: 'HELPFUL',
      tags: [],
    });
    const rate = () =>
      onB().put(`/communities/${community.slug}/notes/${noteId}/rating`).send(provenBody(rating));
    expect((await rate().expect(409)).body.code).toBe('MIRROR_READ_ONLY');

    // Refused: still following; no such mirror.
    const following = await onB().post(`/mirrors/${mirrorId}/promote`).set(operator).expect(409);
    expect(following.body.code).toBe('MIRROR_FOLLOWING');
    await onB().post(`/mirrors/${randomUUID()}/promote`).set(operator).expect(404);
    await onB().post(`/mirrors/${mirrorId}/promote`).expect(401);

    await onB().delete(`/mirrors/${mirrorId}`).set(operator).expect(200);
    const savedManifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    const promoted = await onB().post(`/mirrors/${mirrorId}/promote`).set(operator).expect(200);
    expect(promoted.body).toMatchObject({
      following: false,
      promotion: {
        from: { url: served?.url, community: community.slug },
        root: savedManifest.community.root,
        treeSize: 4,
        originChangeHorizon: savedManifest.changeHorizon,
        originRules: savedManifest.rules,
      },
    });
    const twice = await onB().post(`/mirrors/${mirrorId}/promote`).set(operator).expect(409);
    expect(twice.body.code).toBe('MIRROR_PROMOTED');
    const resumed = await onB()
      .post(`/mirrors/${mirrorId}/follow`)
      .set(operator)
      .send({})
      .expect(409);
    expect(resumed.body.code).toBe('MIRROR_PROMOTED');
    expect(await instances.puller.pull(mirrorId)).toBeUndefined();

    // A member of A rates on B with the same identity, over the same group.
    await rate().expect(201);
    // New members join by B's admission, which its operator sets anew.
    await onB()
      .patch(`/communities/${community.slug}`)
      .set(operator)
      .send({ admission: 'OPEN' })
      .expect(200);
    const newcomer = createIdentity();
    await onB()
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: commitmentOf(newcomer) })
      .expect(201);
    const proveNow = await prover(instances.mirror, community);
    const newRating = await proveNow(newcomer, 'rating.put', `note:${noteId}`, {
      helpfulness: 'SOMEWHAT_HELPFUL',
      tags: [],
    });
    await onB()
      .put(`/communities/${community.slug}/notes/${noteId}/rating`)
      .send(provenBody(newRating))
      .expect(201);
    // Scoring goes on from the imported data and the new ratings.
    await publishScoringRun(
      instances.mirrorDb,
      community.id,
      Date.now(),
      instances.mirrorDatabase.url,
    );

    // B's export states the promotion and verifies, proofs before and after it.
    const bFolder = join(parent, 'b-export');
    await eventually(async () => {
      const manifest = await exportOnceSealed(instances.mirrorUrl, bFolder, 4);
      expect(manifest.promotion).toEqual(promoted.body.promotion);
      expect(BigInt(manifest.changeHorizon)).toBeGreaterThan(
        BigInt(manifest.promotion?.changeHorizon ?? ''),
      );
    });
    const verified = await bridgenotes('verify', bFolder);
    expect(verified.stdout).toContain(
      `promoted on ${promoted.body.promotion.at} from ${served?.url}`,
    );
    expect(verified.stdout).toContain('VERIFIED: 0 discrepancies');
    expect(verified.code).toBe(0);
    const report = await verifyExport(httpSource(instances.mirrorUrl, community.slug));
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 5, roots: 2, notes: 1, ratings: 4 },
      proofs: { checked: 5, groth16Verified: 5 },
    });
  });

  it('refuses to serve a folder that fails its own checks', async () => {
    const edited = join(parent, 'edited');
    await cp(folder, edited, { recursive: true });
    const ratings = join(edited, 'ratings.ndjson');
    const text = await readFile(ratings, 'utf8');
    await writeFile(ratings, text.replace('"NOT_HELPFUL"', '"HELPFUL"'));
    await expect(serveFolder(edited)).rejects.toThrow(
      /serve exited with 3: .*is not the file this export saved/s,
    );
  });
});
