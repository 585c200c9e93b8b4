// `npm test`: installs what is missing, runs the workspace scripts' own tests, then every
// project's tests (unit, integration against the real services, end to end against the built
// apps), then the integration and end-to-end suites again in embedded mode (PGlite, queues in
// it, no servers; SERVER_PASS_ONLY below lists what it skips), and exits non-zero on any
// failure. Extra arguments go to `nx run-many`.
//
// BRIDGENOTES_MODE=server runs the server pass only; BRIDGENOTES_MODE=embedded the embedded
// pass only, which needs no PostgreSQL or Redis at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import {
  configuredEnvironment,
  ensureDependencies,
  fail,
  prepareWorkspace,
  root,
  run,
  say,
  toolEnvironment,
} from './lib/workspace.mjs';

/** The suites that touch PostgreSQL or the queues, which the embedded pass runs again. */
const EMBEDDED_PROJECTS = ['database', 'scoring-store', 'mirroring', 'worker', 'api', 'api-e2e'];

/**
 * Suites of those projects whose subject is the same in both modes: the server pass runs them,
 * the embedded pass does not run them again. Everything that touches storage, the queues or the
 * mode's wiring (rate limits, health, scoring runs…) stays in both passes; add here only with a
 * reason, one a line.
 */
const SERVER_PASS_ONLY = [
  // Pure: an in-memory cache of reads, no storage.
  'apps/api/src/app/common/micro-cache.spec.ts',
  // Pure: the words explaining a note's score, from its fields.
  'apps/api/src/app/notes/dto/note-explanation.spec.ts',
  // The OpenAPI document's proof schema: generated from the DTOs, the same in either mode.
  'apps/api/src/app/membership/proof-schema.spec.ts',
  // Pure: which pulled records a mirror may store.
  'libs/mirroring/src/lib/record-rules.spec.ts',
  // Each test needs fresh databases of its own, which the one embedded database cannot give:
  // they skip themselves in embedded mode, and are not even loaded here.
  'libs/database/src/lib/migrations.spec.ts',
  'libs/database/src/lib/copy-database.spec.ts',
];

const passes = { server: true, embedded: true };
const requestedMode = configuredEnvironment().BRIDGENOTES_MODE;
if (requestedMode === 'server') passes.embedded = false;
else if (requestedMode === 'embedded') passes.server = false;
else if (requestedMode) fail(`BRIDGENOTES_MODE must be embedded or server, not "${requestedMode}"`);

const nxArguments = process.argv.slice(2);
const { values: selection } = parseArgs({
  args: nxArguments,
  options: { projects: { type: 'string', short: 'p', multiple: true } },
  strict: false,
});
const requested = (selection.projects ?? []).flatMap((list) => String(list).split(','));
const embeddedProjects = requested.length
  ? EMBEDDED_PROJECTS.filter((project) => requested.includes(project))
  : EMBEDDED_PROJECTS;

let env;
if (passes.server) {
  // DATABASE_URL names only the server: the global setup creates and drops a database of its own.
  env = await prepareWorkspace();
} else {
  ensureDependencies();
  env = toolEnvironment();
}

// Each project's Jest writes its results beside its config; they are summed up after each pass.
const RESULTS = '.jest-results.json';
const projects = ['apps', 'libs']
  .flatMap((folder) => readdirSync(join(root, folder)).map((name) => join(root, folder, name)))
  .filter((project) => existsSync(join(project, 'jest.config.cjs')));
let passed = 0;
let failed = 0;
let failing = false;
// Named again at the very end: CI keeps only the tail of a long log.
const failures = [];

function jestPass(pass, label, args, passEnv, jestArgs = []) {
  for (const project of projects) rmSync(join(project, RESULTS), { force: true });
  say(label);
  const status = run(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'test',
      '--output-style=stream',
      ...args,
      '--',
      '--ci',
      '--json',
      `--outputFile=${RESULTS}`,
      ...jestArgs,
    ],
    { exitOnFailure: false, env: passEnv },
  );
  let passFailed = 0;
  for (const project of projects) {
    const file = join(project, RESULTS);
    if (!existsSync(file)) continue;
    const results = JSON.parse(readFileSync(file, 'utf8'));
    passed += results.numPassedTests;
    passFailed += results.numFailedTests;
    for (const suite of results.testResults) {
      const where = `${pass} pass: ${relative(root, suite.name)}`;
      const tests = suite.assertionResults.filter((test) => test.status === 'failed');
      for (const test of tests) failures.push(`${where} › ${test.fullName}`);
      // A suite that fails to load or times out in a hook has no failed test of its own.
      if (tests.length === 0 && suite.status === 'failed') failures.push(`${where} (suite failed)`);
    }
    rmSync(file);
  }
  failed += passFailed;
  if (status !== 0 || passFailed > 0) failing = true;
}

// The scripts of tools/scripts (mode choice of `npm start`), with Node's own test runner.
const scriptTests = readdirSync(join(root, 'tools/scripts/lib'))
  .filter((name) => name.endsWith('.test.mjs'))
  .map((name) => join('tools/scripts/lib', name));
if (scriptTests.length > 0 && requested.length === 0) {
  say('Testing the workspace scripts…');
  const report = join(mkdtempSync(join(tmpdir(), 'bn-script-tests-')), 'report.tap');
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${report}`,
      ...scriptTests,
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  const tap = existsSync(report) ? readFileSync(report, 'utf8') : '';
  passed += Number(tap.match(/^# pass (\d+)/m)?.[1] ?? 0);
  const scriptFailures = Number(tap.match(/^# fail (\d+)/m)?.[1] ?? 0);
  failed += scriptFailures;
  if (scriptFailures > 0) failures.push(`${scriptFailures} of the workspace scripts' tests`);
  if (result.status !== 0) failing = true;
}

if (passes.server) {
  jestPass(
    'server',
    'Running the tests (this run gets a database and a Redis key prefix of its own)…',
    nxArguments,
    env,
  );
}
if (passes.embedded && embeddedProjects.length > 0) {
  // The global setup starts the database; nothing may point at a server.
  const embeddedEnv = { ...env, BRIDGENOTES_MODE: 'embedded', QUEUE_BACKEND: 'postgres' };
  delete embeddedEnv.DATABASE_URL;
  delete embeddedEnv.REDIS_URL;
  jestPass(
    'embedded',
    `Running ${embeddedProjects.join(', ')} again in embedded mode (an in-memory PGlite per project, queues in it, no servers)…`,
    [
      ...nxArguments.filter((argument, index) => !isProjectSelection(nxArguments, index)),
      '-p',
      embeddedProjects.join(','),
    ],
    embeddedEnv,
    // The option replaces Jest's default, which keeps node_modules out.
    ['/node_modules/', ...SERVER_PASS_ONLY].map((path) => `--testPathIgnorePatterns=${path}`),
  );
}

for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failing || failed > 0 ? 1 : 0);

/** Whether the argument at `index` is a project selection (`-p a,b`, `--projects=a`…). */
function isProjectSelection(args, index) {
  const argument = args[index];
  const previous = args[index - 1];
  if (/^(-p|--projects)(=.*)?$/.test(argument)) return true;
  return (previous === '-p' || previous === '--projects') && !argument.startsWith('-');
}
