// Runs the embedded database (libs/embedded/src/cli/serve.ts) as a child of `npm start`.
import { spawn } from 'node:child_process';

import { root } from './workspace.mjs';

const STARTUP_TIMEOUT_MS = 180_000;

/**
 * Starts the embedded database on `dataDir` and resolves once it accepts connections. It runs in
 * a process group of its own, so the terminal's Ctrl-C reaches only the apps: the database
 * stops last (`stop()`), once the worker has finished its job. An IPC channel ties it to this
 * process: if `npm start` dies, it stops by itself and releases the data folder.
 */
export function startEmbeddedDatabase({ dataDir, reset, env, log }) {
  const args = ['--import', 'tsx', 'libs/embedded/src/cli/serve.ts', '--data-dir', dataDir];
  if (reset) args.push('--reset');
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the embedded database did not start within 3 minutes'));
    }, STARTUP_TIMEOUT_MS);
    let output = '';
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database stopped (exit ${code}): ${output.trim()}`));
    };
    child.once('exit', onExit);
    child.stderr.on('data', (chunk) => {
      output += chunk;
      log(String(chunk).trimEnd());
    });
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const ready = line.match(/^ready (\S+)$/);
        if (!ready) {
          log(line);
          continue;
        }
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({
          url: ready[1],
          child,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}
