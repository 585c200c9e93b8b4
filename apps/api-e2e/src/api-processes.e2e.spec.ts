import { randomUUID } from 'node:crypto';

import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
} from '@bridgenotes/client';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { childProcessesOf, eventually } from '@bridgenotes/testing';
import { callApi } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';

const OPERATOR_KEY = 'e2e-processes-operator-key';
/** How long a request may go unanswered before it counts as lost with its process. */
const LOST_CONNECTION_MS = 5_000;
/**
 * How long each API process keeps a read of a post: the most the configuration allows, so that
 * only the relayed invalidation, never expiry, clears a cached read within a round below.
 */
const POST_CACHE_MS = 60_000;

/**
 * The built API with API_PROCESSES=2: a supervisor and two API processes sharing one port, a
 * write in one clearing the other's cached reads, one replaced when it dies, all stopped by one
 * signal.
 */
describe('API in several processes', () => {
  let api: RunningApp;
  let baseUrl: string;

  /**
   * `path` answers 200 `times` in a row, each over a new connection: the supervisor hands
   * connections to the processes in turn, so from two on, both processes answer.
   */
  async function expectAnswers(path: string, times: number): Promise<void> {
    for (let index = 0; index < times; index += 1) {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { connection: 'close' },
        // Bounds a connection handed to a process as it dies, which nothing ever answers;
        // `eventually` retries on a new one. Short, as the case below meets one often (the
        // whole bound was waited each time), yet far above a `/ready` or `/health` answer.
        signal: AbortSignal.timeout(LOST_CONNECTION_MS),
      });
      expect(response.status).toBe(200);
    }
  }

  beforeAll(async () => {
    ({ api, apiUrl: baseUrl } = await startBuiltApi({
      API_PROCESSES: '2',
      PROOF_VERIFIER_THREADS: '1',
      POST_CACHE_MS: String(POST_CACHE_MS),
      ...operatorKeyEnv(OPERATOR_KEY),
    }));
    await eventually(async () => {
      expect(childProcessesOf(api.child.pid as number)).toHaveLength(2);
      await expectAnswers('/ready', 4);
    });
  });

  afterAll(async () => {
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
    await releaseCurve();
  });

  it("clears the other process's cached reads of a post when one writes a note on it", async () => {
    await useSingleThreadedCurve();
    const slug = `processes-${randomUUID().slice(0, 8)}`;
    const call = (method: string, path: string, body?: unknown) =>
      callApi(baseUrl, method, path, body, OPERATOR_KEY);
    const community = await call('POST', '/communities', {
      slug,
      name: 'Processes',
      admission: 'OPEN',
      earnInImpact: 0,
    });
    const author = createIdentity();
    await call('POST', `/communities/${slug}/members`, { commitment: commitmentOf(author) });
    const group = groupFromLeaves(await call('GET', `/communities/${slug}/group/leaves`));
    const url = `https://news.example/${slug}/story`;
    const proveNote = async (text: string) => {
      const payload = {
        post: { url },
        classification: 'NOT_MISLEADING',
        reasons: ['FACTUALLY_CORRECT'],
        text,
        sources: [],
      };
      const { action, proof } = await proveAction(
        author,
        group,
        { kind: 'note.create', community, target: '', payload },
        nodeArtifacts(),
      );
      return { ...payload, clientMinute: action.clientMinute, proof };
    };
    // A new connection per read: the supervisor hands connections to the processes in turn.
    const noteCounts = async () => {
      const counts = [];
      for (let index = 0; index < 6; index += 1) {
        const post = await call('GET', `/posts?url=${encodeURIComponent(url)}`);
        counts.push((post.notes as unknown[]).length);
      }
      return counts;
    };

    await call('POST', `/communities/${slug}/notes`, await proveNote('Note 1'));
    let written = 1;
    // A round: both processes' caches fill (six reads), one more note is written through one
    // process, and six reads follow. Not a speed check, but the caches filled must still be
    // alive at the end for the second reads to mean anything: a round that outlasted
    // POST_CACHE_MS (a very busy machine) shows nothing either way, and another is made.
    const round = await eventually(async () => {
      const next = await proveNote(`Note ${written + 1}`);
      const filled = Date.now();
      const before = await noteCounts();
      await call('POST', `/communities/${slug}/notes`, next);
      written += 1;
      const after = await noteCounts();
      const lasted = Date.now() - filled;
      if (lasted >= POST_CACHE_MS) throw new Error(`a round lasted ${lasted} ms: made again`);
      return { written, before, after };
    });
    expect(round.before).toEqual(Array.from({ length: 6 }, () => round.written - 1));
    expect(round.after).toEqual(Array.from({ length: 6 }, () => round.written));
  });

  it('replaces an API process that dies, and keeps answering meanwhile', async () => {
    const [first, second] = childProcessesOf(api.child.pid as number);
    process.kill(first as number, 'SIGKILL');
    // A connection handed to the dying process is lost with it; the other one answers.
    await eventually(() => expectAnswers('/health', 1));
    await eventually(async () => {
      const now = childProcessesOf(api.child.pid as number);
      expect(now).toHaveLength(2);
      expect(now).toContain(second);
      expect(now).not.toContain(first);
      await expectAnswers('/ready', 4);
    });
    expect(api.output()).toMatch(/API process exited \(SIGKILL\); starting another/);
  });

  it('stops every process on SIGTERM', async () => {
    const processes = childProcessesOf(api.child.pid as number);
    expect(processes).toHaveLength(2);
    api.child.kill('SIGTERM');
    const exit = await api.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    for (const pid of processes) expect(() => process.kill(pid, 0)).toThrow();
  });
});
