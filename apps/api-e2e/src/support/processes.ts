import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { currentTestRun, eventually } from '@bridgenotes/testing';

const root = join(__dirname, '..', '..', '..', '..');

export interface RunningApp {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a built app (`dist/apps/<name>/main.js`) as its own process, as `npm start` does. */
export function startBuiltApp(name: 'api' | 'worker', env: Record<string, string>): RunningApp {
  const main = join(root, 'dist', 'apps', name, 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: build the apps first (nx run api-e2e:test does)`);
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** A loopback port that is free now (nothing keeps it so). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether the built API listens (true), or ended before it did (false, its output complete). */
function listens(api: RunningApp): Promise<boolean> {
  let closed = false;
  api.child.once('close', () => (closed = true));
  return eventually(async () => {
    if (api.output().includes('API listening on ')) return true;
    if (closed) return false;
    throw new Error(`the API has not listened yet; it said:\n${api.output().slice(-4000)}`);
  });
}

/**
 * The built API as a process on a free loopback port, on the test run's database, Redis and
 * queues, with `env` on top (a queue prefix of the file's own, an operator key), once it listens.
 * The port is free when chosen but bound only once the API has booted, seconds later on a loaded
 * machine, and meanwhile any process listening on port 0 (another job's servers, proxies,
 * databases) can be given it: an API that exits with EADDRINUSE is started again on another
 * port. Waited on until it listens (its address is known then), not until it is ready: callers
 * wait for that (`untilReady`) once their own set-up is done.
 */
export async function startBuiltApi(
  env: Record<string, string> = {},
): Promise<{ api: RunningApp; apiUrl: string }> {
  const run = currentTestRun();
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const api = startBuiltApp('api', {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: run.queuePrefix,
      ...env,
      PORT: String(port),
    });
    const listening = await listens(api).catch((error: Error) => {
      api.child.kill('SIGKILL');
      throw error;
    });
    if (listening) return { api, apiUrl: `http://127.0.0.1:${port}` };
    if (attempt === 3 || !api.output().includes('EADDRINUSE')) {
      throw new Error(`the API ended before it listened; it said:\n${api.output().slice(-4000)}`);
    }
  }
}

/** The environment that makes `key` the operator's key of a built API. */
export const operatorKeyEnv = (key: string) => ({
  OPERATOR_API_KEY_SHA256: createHash('sha256').update(key).digest('hex'),
});
