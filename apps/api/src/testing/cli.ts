import { PATIENCE_MS } from '@bridgenotes/testing';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..', '..', '..');
/** As package.json's `bridgenotes` script runs it: the sources through tsx. */
const COMMAND = ['--import', 'tsx', join(root, 'apps/cli/src/main.ts')];
const ENV = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run bridgenotes -- <args>`; never rejects. */
export function bridgenotes(...args: string[]): Promise<CliResult> {
  return bridgenotesWith({}, ...args);
}

/** `npm run bridgenotes -- <args>` with `env` added to the environment; never rejects. */
export function bridgenotesWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...COMMAND, ...args],
      { cwd: root, env: { ...ENV, ...env }, timeout: PATIENCE_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

export interface ServedFolder {
  url: string;
  /** Interrupts the command (SIGINT, as Ctrl-C) and waits for it to exit. */
  stop(): Promise<number | null>;
}

/**
 * `bridgenotes serve <folder> --port 0` running until stopped: resolves with the URL it prints
 * once it listens, or rejects with what it printed when it exits first.
 */
export async function serveFolder(folder: string): Promise<ServedFolder> {
  const child = spawn(process.execPath, [...COMMAND, 'serve', folder, '--port', '0'], {
    cwd: root,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const served = /^serving community .* at (http:\/\/\S+)$/.exec(line);
      if (served) return served[1] as string;
    }
    return undefined;
  })();
  const url = await Promise.race([listening, exited.then(() => undefined)]);
  if (url === undefined) {
    child.kill('SIGKILL');
    throw new Error(`serve exited with ${await exited}: ${stderr}`);
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
