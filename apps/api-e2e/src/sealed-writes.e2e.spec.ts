import { createHash, randomUUID } from 'node:crypto';

import { Client } from 'pg';

import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
  type ProvenAction,
} from '@bridgenotes/client';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { callApi, untilReady } from './support/http';
import { RunningApp, startBuiltApi } from './support/processes';

const OPERATOR_KEY = 'e2e-sealing-operator-key';
const JOINS = 24;

/**
 * The write buffer's promise (docs/threat-model.md): a write answered 201 is durable before it
 * is sealed. The API is killed (SIGKILL) with joins and ratings waiting in the buffer; after a
 * restart every write it answered 201 is stored, and nothing half-written is.
 */
describe('sealed writes survive a killed API', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let database: Client;

  /**
   * The API, listening; its address, a new port each time: the port of a killed API can be
   * another process's by the time the next one binds.
   */
  const start = async (env: Record<string, string>) => {
    const started = await startBuiltApi({
      PROOF_VERIFIER_THREADS: '1',
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(OPERATOR_KEY).digest('hex'),
      ...env,
    });
    api = started.api;
    return started.apiUrl;
  };

  /** Ready, or the process's output in the error: what kept it from serving. */
  const ready = async (baseUrl: string) => {
    try {
      await untilReady(baseUrl);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the API said:\n${api.output().slice(-4000)}`);
    }
  };

  beforeAll(async () => {
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await database.end();
    await releaseCurve();
  });

  it('stores every write answered 201 after a SIGKILL, and nothing half-written', async () => {
    await useSingleThreadedCurve();
    // Nothing is due while the first process lives: every write waits in the buffer.
    let baseUrl = await start({
      SEAL_WINDOW_SECONDS: '3600',
      SEAL_MIN_MEMBERS: '1000',
      SEAL_MAX_WAIT_SECONDS: '0',
    });
    await ready(baseUrl);
    const call = (method: string, path: string, body?: unknown) =>
      callApi(baseUrl, method, path, body, OPERATOR_KEY);
    const slug = `sealing-${randomUUID().slice(0, 8)}`;
    const community = await call('POST', '/communities', {
      slug,
      name: 'Sealing',
      admission: 'OPEN',
    });
    const raters = [createIdentity(), createIdentity()];
    await call('POST', `/communities/${slug}/members/batch`, {
      commitments: raters.map(commitmentOf),
    });
    const { rows: posts } = await database.query<{ id: string }>(
      `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) RETURNING id`,
      [`https://example.com/${slug}`],
    );
    const { rows: notes } = await database.query<{ id: string }>(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
       VALUES (gen_random_uuid(), $1, $2, '7', 'NOT_MISLEADING', '{}', 'a note', '{}') RETURNING id`,
      [community.id, posts[0]?.id],
    );
    const noteId = notes[0]?.id as string;
    const group = groupFromLeaves(await call('GET', `/communities/${slug}/group/leaves`));
    const proofs: ProvenAction[] = [];
    for (const rater of raters) {
      proofs.push(
        await proveAction(
          rater,
          group,
          {
            kind: 'rating.put',
            community,
            target: `note:${noteId}`,
            payload: { helpfulness: 'HELPFUL', tags: ['CLEAR'] },
          },
          nodeArtifacts(),
        ),
      );
    }

    // Ratings and joins answered 201 wait in the buffer.
    for (const proven of proofs) {
      await call('PUT', `/communities/${slug}/notes/${noteId}/rating`, {
        ...proven.action.payload,
        clientMinute: proven.action.clientMinute,
        proof: proven.proof,
      });
    }
    const joiners = Array.from({ length: JOINS }, () => commitmentOf(createIdentity()));
    const answered: string[] = [];
    const firstHalf = joiners.slice(0, JOINS / 2);
    for (const commitment of firstHalf) {
      await call('POST', `/communities/${slug}/members`, { commitment });
      answered.push(commitment);
    }
    // The rest are sent together and the process killed while they arrive: those answered 201
    // before it died must survive; the others may or may not.
    const inFlight = joiners.slice(JOINS / 2).map(async (commitment) => {
      const response = await fetch(`${baseUrl}/communities/${slug}/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ commitment }),
      }).catch(() => undefined);
      if (response?.status === 201) answered.push(commitment);
    });
    await eventually(async () => {
      const { rows } = await database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM write_buffer WHERE community_id = $1 AND kind = 'join'`,
        [community.id],
      );
      expect(rows[0]?.n).toBeGreaterThan(JOINS / 2);
    });
    api.child.kill('SIGKILL');
    expect(await api.exited).toMatchObject({ signal: 'SIGKILL' });
    await Promise.all(inFlight);
    const { rows: waiting } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM write_buffer WHERE community_id = $1`,
      [community.id],
    );
    expect(waiting[0]?.n).toBeGreaterThanOrEqual(answered.length + proofs.length);
    // Nothing was sealed yet: the members are only the two raters.
    const { rows: trees } = await database.query<{ tree_size: number }>(
      `SELECT tree_size FROM communities WHERE id = $1`,
      [community.id],
    );
    expect(trees[0]?.tree_size).toBe(2);

    // A new process seals what the dead one left.
    baseUrl = await start({ SEAL_WINDOW_SECONDS: '1', SEAL_MIN_MEMBERS: '1' });
    await ready(baseUrl);
    await eventually(async () => {
      const { rows } = await database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM write_buffer WHERE community_id = $1`,
        [community.id],
      );
      expect(rows[0]?.n).toBe(0);
    });
    const published = await call('GET', `/communities/${slug}/group/leaves`);
    // The published leaves rebuild the published root: the tree was stored whole.
    expect(groupFromLeaves(published).root.toString()).toBe(published.root);
    const leaves = new Set<string>(published.leaves);
    for (const commitment of answered) expect(leaves.has(commitment)).toBe(true);
    const { rows: members } = await database.query<{ leaf_index: number }>(
      `SELECT leaf_index FROM members WHERE community_id = $1 ORDER BY leaf_index`,
      [community.id],
    );
    expect(members.map((member) => member.leaf_index)).toEqual(
      Array.from({ length: published.size }, (_, index) => index),
    );
    const { rows: ratings } = await database.query<{ rater_pseudonym: string }>(
      `SELECT rater_pseudonym FROM ratings WHERE note_id = $1`,
      [noteId],
    );
    expect(new Set(ratings.map((rating) => rating.rater_pseudonym))).toEqual(
      new Set(proofs.map((proven) => String(proven.proof.nullifier))),
    );
  });
});
