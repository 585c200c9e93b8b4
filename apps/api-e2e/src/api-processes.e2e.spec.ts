import { childProcessesOf, currentTestRun, eventually } from '@bridgenotes/testing';
import { freePort, RunningApp, startBuiltApp } from './support/processes';

/**
 * The built API with API_PROCESSES=2: a supervisor and two API processes sharing one port, one
 * replaced when it dies, all stopped by one signal.
 */
describe('API in several processes', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = startBuiltApp('api', {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: run.queuePrefix,
      PORT: String(port),
      API_PROCESSES: '2',
      PROOF_VERIFIER_THREADS: '1',
    });
    await eventually(async () => {
      expect(childProcessesOf(api.child.pid as number)).toHaveLength(2);
      for (let index = 0; index < 4; index += 1) {
        // A new connection each time, so both processes get to answer.
        const response = await fetch(`${baseUrl}/ready`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(2_000),
        });
        expect(response.status).toBe(200);
      }
    }, 60_000);
  }, 90_000);

  afterAll(() => {
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
  });

  it('replaces an API process that dies, and keeps answering meanwhile', async () => {
    const [first, second] = childProcessesOf(api.child.pid as number);
    process.kill(first as number, 'SIGKILL');
    // A connection handed to the dying process is lost with it; the other one answers.
    await eventually(async () => {
      const response = await fetch(`${baseUrl}/health`, {
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(2_000),
      });
      expect(response.status).toBe(200);
    });
    await eventually(async () => {
      const now = childProcessesOf(api.child.pid as number);
      expect(now).toHaveLength(2);
      expect(now).toContain(second);
      expect(now).not.toContain(first);
      for (let index = 0; index < 4; index += 1) {
        const response = await fetch(`${baseUrl}/ready`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(2_000),
        });
        expect(response.status).toBe(200);
      }
    }, 60_000);
    expect(api.output()).toMatch(/API process exited \(SIGKILL\); starting another/);
  }, 90_000);

  it('stops every process on SIGTERM', async () => {
    const processes = childProcessesOf(api.child.pid as number);
    api.child.kill('SIGTERM');
    const exit = await api.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    for (const pid of processes) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
