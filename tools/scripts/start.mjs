// `npm start`: from a fresh clone to a running API and worker. Installs what is missing, chooses
// the mode (servers, or embedded when there are none; see lib/mode.mjs), finds or starts
// PostgreSQL and Redis or starts the embedded database, applies migrations, seeds the demo
// community on first run, builds both apps and runs them together until Ctrl-C, which stops
// everything gracefully.
//
//   npm start [-- --embedded | --server] [--reset]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { startEmbeddedDatabase } from './lib/embedded.mjs';
import { chooseMode } from './lib/mode.mjs';
import {
  configuredEnvironment,
  ensureDependencies,
  fail,
  launch,
  prepareWorkspace,
  root,
  run,
  say,
  toolEnvironment,
} from './lib/workspace.mjs';

let flags;
try {
  ({ values: flags } = parseArgs({
    options: {
      embedded: { type: 'boolean', default: false },
      server: { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail(`${error.message}\n  Usage: npm start [-- --embedded | --server] [--reset]`);
}
if (flags.embedded && flags.server) fail('Choose one of --embedded and --server.');

ensureDependencies();
const configured = configuredEnvironment();
let choice;
try {
  choice = await chooseMode({
    requested: flags.embedded ? 'embedded' : flags.server ? 'server' : configured.BRIDGENOTES_MODE,
    configured,
  });
} catch (error) {
  fail(error.message);
}

let env;
let database;
const dataDir = resolve(root, configured.BRIDGENOTES_DATA_DIR || 'data');
if (choice.mode === 'embedded') {
  say(`Embedded mode (${choice.reason}): no PostgreSQL or Redis server, no Docker.`);
  say(
    `Data folder: ${dataDir} (kept between runs; \`npm start -- --reset\` wipes it${
      flags.reset ? ' — wiping it now' : ''
    }).`,
  );
  say('Starting the embedded database (the first start creates it, which takes a few seconds)…');
  try {
    database = await startEmbeddedDatabase({
      dataDir,
      reset: flags.reset,
      env: toolEnvironment(configured),
      log: (line) => process.stdout.write(`\x1b[35m[database]\x1b[0m ${line}\n`),
    });
  } catch (error) {
    fail(error.message);
  }
  env = {
    // Queries wait their turn for the one session, behind legitimate work that may hold it for
    // seconds: a request queues up to 30 s for a pooled connection rather than fail after 5.
    DATABASE_POOL_WAIT_SECONDS: '30',
    ...toolEnvironment(configured),
    DATABASE_URL: database.url,
    QUEUE_BACKEND: 'postgres',
  };
  // The queues live in the embedded database: a REDIS_URL from .env must not matter.
  delete env.REDIS_URL;
} else {
  if (flags.reset) {
    fail('--reset wipes the embedded database; it does nothing with servers, so it stops here.');
  }
  say(`Server mode (${choice.reason}).`);
  env = await prepareWorkspace();
}

const tsx = join(root, 'node_modules', '.bin', 'tsx');
say('Applying migrations…');
await step(tsx, ['tools/database/migrate.ts'], 'The migrations failed; see above.');
// The demo's members make real proofs here on first start (about a minute on an idle machine).
await step(tsx, ['prisma/seed.ts'], 'The seed failed; see above.', {
  TSX_TSCONFIG_PATH: 'tsconfig.base.json',
});
say('Building the API and the worker…');
await step(
  'npx',
  ['nx', 'run-many', '-t', 'build', '-p', 'api', 'worker', '--output-style=static'],
  'The build failed; see above.',
);

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
database?.child.once('exit', (code, signal) => {
  if (stopping) return;
  say(
    `The embedded database exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest.`,
  );
  process.exitCode = 1;
  stop('SIGTERM');
});
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
// The database goes last: the apps needed it until their last moment.
if (database) {
  say('Stopping the embedded database…');
  await database.stop();
}
say('Stopped.');

/** Runs a preparation step; on failure stops the embedded database before giving up. */
async function step(command, args, failure, extraEnv = {}) {
  if (run(command, args, { env: { ...env, ...extraEnv }, exitOnFailure: false }) === 0) return;
  await database?.stop();
  fail(failure);
}

// Printed once the API is ready, so the links work when they appear.
async function announce() {
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  for (let attempt = 0; attempt < 120 && !stopping; attempt += 1) {
    try {
      if ((await fetch(`${base}/ready`)).ok) {
        const where =
          choice.mode === 'embedded'
            ? `  Mode       embedded: PostgreSQL (PGlite) and the queues in ${dataDir}\n             (served to the apps at ${database.url})`
            : `  Mode       servers: ${redact(env.DATABASE_URL)}, queues in ${
                env.QUEUE_BACKEND === 'postgres' ? 'PostgreSQL' : redact(env.REDIS_URL)
              }`;
        say(
          `Ready.\n${where}\n  API        ${base}  (start here)\n  API docs   ${base}/docs  (OpenAPI JSON: ${base}/docs-json)\n  Demo       ${base}/demo\n  Verify     npm run bridgenotes -- verify ${base} --community demo\n  Readiness  ${base}/ready\n  Press Ctrl-C to stop.`,
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
  if (!stopping) {
    say('The API did not become ready within a minute; see its log above.');
    process.exitCode = 1;
    stop('SIGTERM');
  }
}

/** A URL without its password, for printing. */
function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
