import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr. */
  errors(): string;
  /** Everything it wrote to stdout. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs the embedded database the way `npm start` does, in a process of its own. (PGlite cannot
 * load inside a Jest test file: it imports modules dynamically, which Jest's sandbox refuses.)
 */
export function startServeProcess(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'libs/embedded/src/cli/serve.ts', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onExit = (code: number | null) =>
      reject(new Error(`the embedded database exited (${code}) before it was ready: ${stderr}`));
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = stdout.match(/^ready (\S+)$/m);
      if (!ready?.[1]) return;
      child.off('exit', onExit);
      resolve({
        url: ready[1],
        child,
        errors: () => stderr,
        output: () => stdout,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
