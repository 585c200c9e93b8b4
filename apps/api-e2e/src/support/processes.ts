import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { currentTestRun } from '@bridgenotes/testing';

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

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built API as a process on a free loopback port, on the test run's database, Redis and
 * queues, with `env` on top (a queue prefix of the file's own, an operator key). Not waited on:
 * callers wait for it (`untilReady`) once their own set-up is done, so both run at once.
 */
export async function startBuiltApi(
  env: Record<string, string> = {},
): Promise<{ api: RunningApp; apiUrl: string }> {
  const run = currentTestRun();
  const port = await freePort();
  const api = startBuiltApp('api', {
    DATABASE_URL: run.databaseUrl,
    REDIS_URL: run.redisUrl,
    QUEUE_PREFIX: run.queuePrefix,
    PORT: String(port),
    ...env,
  });
  return { api, apiUrl: `http://127.0.0.1:${port}` };
}

/** The environment that makes `key` the operator's key of a built API. */
export const operatorKeyEnv = (key: string) => ({
  OPERATOR_API_KEY_SHA256: createHash('sha256').update(key).digest('hex'),
});
