import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PATIENCE_MS } from '@bridgenotes/testing';

const root = join(__dirname, '..', '..', '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The command of package.json's `bridgenotes` script, read from it so that the suites run the
 * CLI exactly as `npm run bridgenotes -- <args>` does (without npm's own start-up): its leading
 * `NAME=value` words are the environment, the rest the command line.
 */
function bridgenotesScript(): { env: Record<string, string>; command: string; args: string[] } {
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    .bridgenotes;
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const word = words.shift() as string;
    const at = word.indexOf('=');
    env[word.slice(0, at)] = word.slice(at + 1);
  }
  const [command, ...args] = words;
  if (!command) throw new Error(`package.json's bridgenotes script has no command: "${script}"`);
  // npm runs `node` as the Node on its path: this one.
  return { env, command: command === 'node' ? process.execPath : command, args };
}

const script = bridgenotesScript();

/** `npm run bridgenotes -- <args>`, as a member or a verifier runs it; never rejects. */
export function bridgenotes(...args: string[]): Promise<CliResult> {
  return runCli(script.command, [...script.args, ...args], script.env);
}

/**
 * The same commands from the CLI's build (`node dist/apps/cli/main.js <args>`; apps/cli/build.js,
 * which the e2e project builds before its suites as it builds the apps): without tsx compiling
 * the sources at each start (about half a CPU-second a start). A failing command does not
 * reject; a missing build throws.
 */
export function builtBridgenotes(...args: string[]): Promise<CliResult> {
  return builtBridgenotesWithInput(undefined, ...args);
}

/** `builtBridgenotes` with `input` on its standard input (a secret given as `-`). */
export function builtBridgenotesWithInput(
  input: string | undefined,
  ...args: string[]
): Promise<CliResult> {
  const main = join(root, 'dist', 'apps', 'cli', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build the CLI first (nx test api-e2e does)`);
  }
  return runCli(process.execPath, [main, ...args], {}, input);
}

function runCli(command: string, args: string[], env: Record<string, string>, input?: string) {
  return new Promise<CliResult>((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: root, env: { ...process.env, ...env }, timeout: PATIENCE_MS },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
