import { createHash, randomUUID } from 'node:crypto';

import type { Identity } from '@semaphore-protocol/core';

import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
} from '@bridgenotes/client';
import { createInstanceDatabase, InstanceDatabase } from '@bridgenotes/embedded/testing';
import { JsonValue, releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { callApi, untilReady } from './support/http';
import { RunningApp, startBuiltApi, startBuiltApp } from './support/processes';
import { latestPublishedRun, untilRunOver } from './support/scoring-runs';

const OPERATOR_KEY = 'e2e-mirror-operator-key';

interface Instance {
  baseUrl: string;
  api: RunningApp;
  worker: RunningApp;
}

/**
 * Two instances on one machine, each a built API and worker with a database and a queue prefix
 * of its own. The second follows a community of the first: it pulls the export, verifies every
 * proof, scores the community itself, and its statuses match the origin's; it picks up later
 * activity by its periodic pull, and keeps serving the community once the first is stopped.
 */
describe('one instance mirroring a community of another', () => {
  const run = currentTestRun();
  let origin: Instance;
  let mirror: Instance;
  let mirrorDatabase: InstanceDatabase;

  async function start(databaseUrl: string, name: string, pullSeconds: string): Promise<Instance> {
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: `${run.queuePrefix}-${name}`,
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(OPERATOR_KEY).digest('hex'),
      SCORING_DEBOUNCE_SECONDS: '1',
      SCORING_CRON: 'off',
      // A run asked for while another run of the community holds its lease comes back this
      // soon, rather than after the default 5 s.
      SCORING_BUSY_RETRY_MS: '250',
      MIRROR_PULL_SECONDS: pullSeconds,
    };
    const { api, apiUrl } = await startBuiltApi(env);
    return { baseUrl: apiUrl, api, worker: startBuiltApp('worker', env) };
  }

  beforeAll(async () => {
    // The origin boots while the mirror's database is made (and is kept for afterAll either way).
    const booting = start(run.databaseUrl, 'origin', '0');
    // Awaited after the database is made; a start that fails meanwhile is no unhandled rejection.
    booting.catch(() => undefined);
    try {
      await useSingleThreadedCurve();
      mirrorDatabase = await createInstanceDatabase(run, 'mirror_e2e');
    } finally {
      origin = await booting;
    }
    mirror = await start(mirrorDatabase.url, 'mirror', '2');
    for (const instance of [origin, mirror]) await untilReady(instance.baseUrl);
  });

  afterAll(async () => {
    for (const instance of [origin, mirror]) {
      for (const app of [instance?.api, instance?.worker]) {
        if (app?.child.exitCode === null) app.child.kill('SIGKILL');
      }
    }
    await Promise.all(
      [origin, mirror].flatMap((instance) =>
        instance ? [instance.api.exited, instance.worker.exited] : [],
      ),
    );
    await mirrorDatabase?.drop();
    await releaseCurve();
  });

  const call = (
    instance: Instance,
    method: string,
    path: string,
    body?: unknown,
    operator = false,
  ) => callApi(instance.baseUrl, method, path, body, operator ? OPERATOR_KEY : undefined);

  it('mirrors, verifies, scores alike, follows later activity, and outlives the origin', async () => {
    const slug = `mirrored-${randomUUID().slice(0, 8)}`;
    const community = await call(
      origin,
      'POST',
      '/communities',
      { slug, name: 'Mirrored', admission: 'OPEN', earnInImpact: 0 },
      true,
    );
    const [author, ...raters] = Array.from({ length: 5 }, () => createIdentity());
    await call(
      origin,
      'POST',
      `/communities/${slug}/members/batch`,
      { commitments: [author, ...raters].map((identity) => commitmentOf(identity as Identity)) },
      true,
    );
    const group = groupFromLeaves(await call(origin, 'GET', `/communities/${slug}/group/leaves`));
    const artifacts = nodeArtifacts();
    const prove = (
      identity: Identity,
      kind: string,
      target: string,
      payload: { [key: string]: JsonValue },
    ) => proveAction(identity, group, { kind, community, target, payload }, artifacts);
    const url = `https://news.example/${slug}/story`;
    const payload = {
      post: { url },
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      reasons: ['MISSING_IMPORTANT_CONTEXT'],
      text: 'The quoted figure is from another year',
      sources: ['https://stats.example/table'],
    };
    const written = await prove(author as Identity, 'note.create', '', payload);
    const note = await call(origin, 'POST', `/communities/${slug}/notes`, {
      ...payload,
      clientMinute: written.action.clientMinute,
      proof: written.proof,
    });
    const proveRating = async (rater: Identity, helpfulness: string) => {
      const rating = { helpfulness, tags: [] };
      const proven = await prove(rater, 'rating.put', `note:${note.id}`, rating);
      return { ...rating, clientMinute: proven.action.clientMinute, proof: proven.proof };
    };
    const rate = (body: Awaited<ReturnType<typeof proveRating>>) =>
      call(origin, 'PUT', `/communities/${slug}/notes/${note.id}/rating`, body);
    // The three first ratings are proven before any is sent, as members rating at once would:
    // they meet in one debounced run at the origin rather than a run each.
    const proven = [];
    for (const [index, rater] of raters.slice(0, 3).entries())
      proven.push(await proveRating(rater as Identity, index === 2 ? 'NOT_HELPFUL' : 'HELPFUL'));
    for (const rating of proven) await rate(rating);
    await untilRunOver(origin.baseUrl, slug, 3);

    // The second instance follows the community.
    const created = await call(
      mirror,
      'POST',
      '/mirrors',
      { origin: origin.baseUrl, community: slug },
      true,
    );
    expect(created).toMatchObject({ community: { id: community.id, slug }, following: true });
    // Both sides scored the same data when their latest runs' data hashes agree (the input
    // hashes never do: each covers its own run time, histories and post row ids).
    const scoredAlike = async (ratings: number) => {
      const state = await call(mirror, 'GET', `/mirrors/${created.id}`);
      const originRun = await latestPublishedRun(origin.baseUrl, slug);
      if (
        state.held.ratings !== ratings ||
        state.localRun === null ||
        originRun === undefined ||
        state.originRun?.id !== originRun.id ||
        state.localRun.dataHash !== originRun.dataHash
      ) {
        throw new Error(`the mirror has not caught up: ${JSON.stringify(state)}`);
      }
      return state;
    };
    const first = await eventually(() => scoredAlike(3), PATIENCE_MS, 500);
    expect(first).toMatchObject({
      held: { members: 5, roots: 1, notes: 1, ratings: 3 },
      refusals: 0,
      lastError: null,
      divergence: { compared: 1, differing: 0, disagreeing: 0, sameInput: true },
    });
    expect(first.localRun.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.localRun.inputHash).not.toBe(first.originRun.inputHash);
    const here = await call(mirror, 'GET', `/communities/${slug}/notes/${note.id}`);
    const there = await call(origin, 'GET', `/communities/${slug}/notes/${note.id}`);
    expect(here).toMatchObject({ id: note.id, text: payload.text, ratingCount: 3 });
    expect(here.status).toBe(there.status);
    expect(here.score).toEqual(there.score);

    // Later activity at the origin reaches the mirror by its periodic pull, and both rescore.
    await rate(await proveRating(raters[3] as Identity, 'SOMEWHAT_HELPFUL'));
    await untilRunOver(origin.baseUrl, slug, 4);
    const second = await eventually(() => scoredAlike(4), PATIENCE_MS, 500);
    expect(second.divergence).toEqual({
      compared: 1,
      differing: 0,
      disagreeing: 0,
      sameInput: true,
    });
    expect(second.localRun.dataHash).not.toBe(first.localRun.dataHash);
    const divergence = await call(mirror, 'GET', `/mirrors/${created.id}/divergence`);
    expect(divergence).toMatchObject({ items: [], differing: 0, compared: 1 });
    // Writes belong at the origin.
    const refused = await fetch(`${mirror.baseUrl}/communities/${slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment: '123456789' }),
    });
    expect(refused.status).toBe(409);
    expect((await refused.json()).code).toBe('MIRROR_READ_ONLY');

    // The origin goes away; the mirror keeps serving the community and says its pulls fail.
    for (const app of [origin.api, origin.worker]) app.child.kill('SIGTERM');
    await Promise.all([origin.api.exited, origin.worker.exited]);
    const { notes } = await call(
      mirror,
      'GET',
      `/posts?url=${encodeURIComponent(url)}&community=${slug}`,
    );
    expect(notes).toEqual([
      expect.objectContaining({ id: note.id, status: there.status, ratingCount: 4 }),
    ]);
    await eventually(
      async () => {
        const state = await call(mirror, 'GET', `/mirrors/${created.id}`);
        if (!state.lastError) throw new Error('no pull has failed yet');
        expect(state.held).toMatchObject({ notes: 1, ratings: 4 });
      },
      PATIENCE_MS,
      500,
    );
    await call(mirror, 'GET', `/communities/${slug}/notes/${note.id}`);
  });
});
