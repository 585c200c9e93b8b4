// One scenario in order, as an operator leaving another would run it: the instances, the
// community's proofs and the CLI's processes are the costly part, shared by every step.
import { httpSource, verifyExport } from '@bridgenotes/open-data';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

import { bridgenotes, serveFolder, type ServedFolder } from '../../testing/cli';
import {
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
 * as it would mirror A.
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
    await useSingleThreadedCurve();
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

  it("serves A's saved export with `bridgenotes serve`; B mirrors it and verifies everything", async () => {
    // The export's change feed covers the writes once their batch is sealed.
    await eventually(async () => {
      const saved = await bridgenotes(
        'export',
        instances.originUrl,
        '--community',
        community.slug,
        '--out',
        folder,
      );
      expect(saved.code).toBe(0);
      const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
      expect(manifest.files.ratings.records).toBe(2);
    });
    served = await serveFolder(folder);

    const created = await onB()
      .post('/mirrors')
      .set(operator)
      .send({ origin: served.url, community: community.slug })
      .expect(201);
    mirrorId = created.body.id;
    const outcome = await instances.puller.pull(mirrorId);
    expect(outcome).toEqual({
      accepted: { roots: 1, members: 4, notes: 1, ratings: 2 },
      refused: 0,
      originRunFetched: originRunId,
    });
    const report = await verifyExport(httpSource(instances.mirrorUrl, community.slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 4, roots: 1, notes: 1, ratings: 2 },
      proofs: { checked: 3, groth16Verified: 3 },
    });
    // Read only: the served origin takes no writes.
    const write = await fetch(`${served.url}/communities/${community.slug}/export`, {
      method: 'POST',
    });
    expect(write.status).toBe(405);
    // The same folder verifies as served, as it does on disk.
    const again = await bridgenotes('verify', served.url, '--community', community.slug);
    expect(again.stdout).toContain('VERIFIED');
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
