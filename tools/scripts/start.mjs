// `npm start`: from a fresh clone to a running API and worker. Installs what is missing, finds
// or starts PostgreSQL and Redis, applies migrations, seeds the demo community on first run,
// builds both apps and runs them together until Ctrl-C, which stops both gracefully.
import { join } from 'node:path';

import { fail, launch, prepareWorkspace, root, run, say } from './lib/workspace.mjs';

const env = await prepareWorkspace();
const tsx = join(root, 'node_modules', '.bin', 'tsx');
say('Applying migrations…');
run(tsx, ['tools/database/migrate.ts'], { env });
run(tsx, ['prisma/seed.ts'], { env });
say('Building the API and the worker…');
run('npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'worker', '--output-style=static'], {
  env,
});

const port = Number(env.PORT || 3000);
const host = env.HOST || '127.0.0.1';
const children = [
  ['api', launch('api', process.execPath, ['dist/apps/api/main.js'], env)],
  ['worker', launch('worker', process.execPath, ['dist/apps/worker/main.js'], env)],
];

let stopping = false;
function stop(signal) {
  if (stopping) {
    // A second Ctrl-C: the user does not want to wait for the active job.
    for (const [, child] of children) child.kill('SIGKILL');
    return;
  }
  stopping = true;
  say('Stopping: the worker finishes its active job first (Ctrl-C again to force)…');
  for (const [, child] of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
void announce();

await Promise.all(
  children.map(
    ([name, child]) =>
      new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          if (!stopping) {
            say(
              `The ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest.`,
            );
            process.exitCode = 1;
            stop('SIGTERM');
          }
          resolve();
        }),
      ),
  ),
);
say('Stopped.');

// Printed once the API is ready, so the links work when they appear.
async function announce() {
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  for (let attempt = 0; attempt < 120 && !stopping; attempt += 1) {
    try {
      if ((await fetch(`${base}/ready`)).ok) {
        say(
          `Ready.\n  API        ${base}\n  API docs   ${base}/docs  (OpenAPI JSON: ${base}/docs-json)\n  Readiness  ${base}/ready\n  Press Ctrl-C to stop.`,
        );
        if (!env.OPERATOR_API_KEY_SHA256) {
          say(
            'Operator endpoints are off: set OPERATOR_API_KEY_SHA256 (the SHA-256 of a key you choose) in .env to use them.',
          );
        }
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!stopping) fail('The API did not become ready within a minute; see its log above.');
}
