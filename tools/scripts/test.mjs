// `npm test`: installs what is missing, runs the workspace scripts' own tests, then every
// project's tests (unit, integration against the real services, end to end against the built
// apps) in the server pass, and the integration and end-to-end suites again in embedded mode
// (PGlite, queues in it, no servers; SERVER_PASS_ONLY below lists what it skips), and exits
// non-zero on any failure.
//
// The two passes are not run one after the other: every Jest run of both (a project in a pass,
// or a shard of one) is a job, and a few slots take the jobs longest first, by the durations
// recorded in tools/scripts/test-durations.json, so that the machine never waits on one long run
// at the end while the other core idles. The shards are split by the same durations
// (lib/duration-sequencer.cjs). Each job has its own database and queue prefix (its Jest global
// setup), so jobs never share data.
//
// Options: `-p`/`--projects a,b` picks projects; `--parallel N` sets the slots (default: the
// cores plus one, as the suites spend part of their time waiting on processes and the
// database); `--record-durations` writes each file's duration in this run into
// test-durations.json (run it whole, on a quiet machine, after moving time between files);
// anything else goes to every Jest run (`--testPathPatterns notes`).
// BRIDGENOTES_MODE=server runs the server pass only; BRIDGENOTES_MODE=embedded the embedded
// pass only, which needs no PostgreSQL or Redis at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { runPool } from './lib/job-pool.mjs';
import durations from './lib/test-durations.cjs';
import {
  configuredEnvironment,
  ensureDependencies,
  fail,
  launch,
  prepareWorkspace,
  root,
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
  // Pure: which failed pulls the worker retries, from the error alone.
  'apps/worker/src/app/mirroring/pull-mirror.handler.spec.ts',
  // Pure: which records of a pulled page a mirror keeps, and which origin lineage it accepts.
  'libs/mirroring/src/lib/page-settlement.spec.ts',
  'libs/mirroring/src/lib/origin-lineage.rules.spec.ts',
  // Pure: when the WAL is retired after a scrub, from the role's rights and the clock.
  'apps/api/src/app/sealing/wal-retirer.spec.ts',
  // Pure: the code a scoring run's failure text reads back as.
  'libs/database/src/lib/stores/run-failures.spec.ts',
  // The CLI through an HTTP proxy, against a stand-in instance of the test's own: no storage.
  'apps/api/src/app/exports/cli-proxy.spec.ts',
  // The compression of answers, read on the OpenAPI document and its page, which are generated
  // from the DTOs; and the landing page, a fixed text: the same in either mode.
  'apps/api/src/app/common/compression.spec.ts',
  'apps/api/src/app/home/home-page.spec.ts',
  // The CLI's help, exit codes and `compare`, from its build, with no instance to read (a
  // stand-in that answers 404, folders and files of the test's own).
  'apps/api-e2e/src/cli-audit.e2e.spec.ts',
  // Each test needs fresh databases of its own, which the one embedded database cannot give:
  // they skip themselves in embedded mode, and are not even loaded here.
  'libs/database/src/lib/migrations.spec.ts',
  'libs/database/src/lib/copy-database.spec.ts',
];

/**
 * Projects whose suites are split over several Jest runs (`--shard`, by recorded duration), each
 * a job of its own with its own database: one run of all their suites one after the other would
 * outlast everything else put together. Three each, so that the slots end together: `api` in
 * 4.6–5.7 min (server) and 7.3–8.4 (embedded) at load 6–11, where two hash-split shards ran 7.4
 * and 14 min (server), 14 and 20 (embedded) at load 13, the longer on alone at the end.
 */
const SHARDS = { 'api-e2e': 3, api: 3 };

const passes = { server: true, embedded: true };
const requestedMode = configuredEnvironment().BRIDGENOTES_MODE;
if (requestedMode === 'server') passes.embedded = false;
else if (requestedMode === 'embedded') passes.server = false;
else if (requestedMode) fail(`BRIDGENOTES_MODE must be embedded or server, not "${requestedMode}"`);

const { requested, slots, recordDurations, jestArguments } = testArguments(process.argv.slice(2));

let env;
if (passes.server) {
  // DATABASE_URL names only the server: the global setup creates and drops a database of its own.
  env = await prepareWorkspace();
} else {
  ensureDependencies();
  env = toolEnvironment();
}
// The global setup starts the database; nothing may point at a server.
const embeddedEnv = { ...env, BRIDGENOTES_MODE: 'embedded', QUEUE_BACKEND: 'postgres' };
delete embeddedEnv.DATABASE_URL;
delete embeddedEnv.REDIS_URL;

const projects = ['apps', 'libs']
  .flatMap((folder) => readdirSync(join(root, folder)).map((name) => join(folder, name)))
  .filter((project) => existsSync(join(root, project, 'jest.config.cjs')))
  .map((folder) => ({
    folder,
    name: folder.split('/')[1],
    // What Nx would build before testing it (`dependsOn` of its test target).
    builds:
      JSON.parse(readFileSync(join(root, folder, 'project.json'), 'utf8')).targets?.test
        ?.dependsOn ?? [],
  }))
  .filter((project) => requested.length === 0 || requested.includes(project.name));
for (const name of requested) {
  if (!projects.some((project) => project.name === name)) fail(`No project ${name} has tests`);
}
let passed = 0;
let failed = 0;
let failing = false;
// Named again at the very end: CI keeps only the tail of a long log.
const failures = [];

// The scripts of tools/scripts (mode choice of `npm start`, the job slots), with Node's own
// test runner.
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

// The jobs: the builds some projects test (api-e2e runs the built apps), then one Jest run per
// project and pass (per shard where SHARDS splits it), longest first.
const jobs = [];
// Read once: every job's expected seconds come from the same recorded run.
const recordedDurations = durations.readDurations();
const builds = new Set();
for (const project of projects) {
  for (const dependency of project.builds) {
    for (const name of dependency.projects ?? []) builds.add(`${name}:${dependency.target}`);
  }
}
if (builds.size > 0) jobs.push({ name: 'build', kind: 'build', targets: [...builds] });
const passList = [
  passes.server && { pass: 'server', env, projects },
  passes.embedded && {
    pass: 'embedded',
    env: embeddedEnv,
    projects: projects.filter((project) => EMBEDDED_PROJECTS.includes(project.name)),
    // The option replaces Jest's default, which keeps node_modules out. Alone (no server pass),
    // this pass runs the server pass's own suites too, or nothing would.
    jestArguments: ['/node_modules/', ...(passes.server ? SERVER_PASS_ONLY : [])].map(
      (path) => `--testPathIgnorePatterns=${path}`,
    ),
  },
].filter(Boolean);
for (const project of projects) {
  for (const {
    pass,
    env: passEnv,
    projects: inPass,
    jestArguments: passArguments = [],
  } of passList) {
    if (!inPass.includes(project)) continue;
    const shards = SHARDS[project.name] ?? 1;
    for (let shard = 1; shard <= shards; shard += 1) {
      jobs.push({
        name: `${project.name}${pass === 'embedded' ? ' (embedded)' : ''}${shards > 1 ? ` ${shard}/${shards}` : ''}`,
        kind: 'jest',
        pass,
        project,
        env: passEnv,
        // The built apps must be there before the suites that start them.
        after: project.builds.length > 0 ? ['build'] : [],
        args: [
          ...(shards > 1 ? [`--shard=${shard}/${shards}`] : []),
          ...passArguments,
          ...jestArguments,
        ],
        results: `.jest-results-${pass}-${shard}.json`,
        seconds: expectedSeconds(project, pass, shard, shards),
      });
    }
  }
}
// The build stays first; a project recorded in no run (new) goes last.
jobs.sort((a, b) => (a.kind === 'build' ? -1 : b.kind === 'build' ? 1 : b.seconds - a.seconds));
const recorded = { server: {}, embedded: {} };

const described = passList.map(({ pass, projects: inPass }) =>
  pass === 'server'
    ? `${inPass.length} projects against PostgreSQL and Redis (a database and a Redis key prefix per run)`
    : `${inPass.map((project) => project.name).join(', ')} in embedded mode (an in-memory PGlite per run, queues in it, no servers)`,
);
say(`Running ${jobs.length} jobs, ${slots} at a time: ${described.join('; ')}…`);
const started = Date.now();
const timings = [];
await runPool(jobs, slots, async (job) => {
  const jobStart = Date.now();
  const status = job.kind === 'build' ? await build(job) : await jest(job);
  timings.push({
    name: job.name,
    from: jobStart - started,
    seconds: (Date.now() - jobStart) / 1000,
  });
  if (status !== 0) failing = true;
  if (job.kind === 'build' && status !== 0) failures.push(`the build of ${job.targets.join(', ')}`);
  if (job.kind === 'jest') collect(job, status);
});

// How long each run took: where the time goes, for the next person making npm test faster.
say(
  `Jobs (start after the first, duration), ${((Date.now() - started) / 60_000).toFixed(1)} min in all:`,
);
for (const timing of timings.sort((a, b) => a.from - b.from)) {
  console.log(
    `  ${timing.name}: +${Math.round(timing.from / 1000)} s, ${Math.round(timing.seconds)} s`,
  );
}
if (recordDurations) saveDurations();
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failing || failed > 0 ? 1 : 0);

/** The builds, through Nx (cached by its inputs), before the jobs that need them. */
async function build(job) {
  const byTarget = new Map();
  for (const [project, target] of job.targets.map((name) => name.split(':'))) {
    byTarget.set(target, [...(byTarget.get(target) ?? []), project]);
  }
  for (const [target, names] of byTarget) {
    const status = await exited(
      launch(
        'build',
        'npx',
        ['nx', 'run-many', '-t', target, '-p', names.join(','), '--output-style=stream'],
        // The types are `npm run typecheck`'s business (tools/webpack/node-app.config.js).
        { ...env, BRIDGENOTES_BUILD_TYPECHECK: 'off' },
      ),
    );
    if (status !== 0) return status;
  }
  return 0;
}

/** One Jest run of a project, in its folder as Nx runs it, its results in a file of its own. */
function jest(job) {
  const folder = join(root, job.project.folder);
  rmSync(join(folder, job.results), { force: true });
  return exited(
    launch(
      job.name,
      process.execPath,
      [
        join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--ci',
        // One file at a time within a job, on any machine: a job's files share its database and
        // queue prefix (a worker spec's worker takes any job of that prefix), which they may only
        // one after another. Jest's own default, the cores less one, is 1 on a 2-core machine
        // only; the job slots are what runs in parallel.
        '--maxWorkers=1',
        '--json',
        `--outputFile=${job.results}`,
        ...job.args,
      ],
      job.env,
      folder,
    ),
  );
}

/** Adds a Jest job's results to the counts, and its failed tests to the list. */
function collect(job, status) {
  const file = join(root, job.project.folder, job.results);
  if (!existsSync(file)) {
    failures.push(`${job.name}: Jest ended (${status}) without results`);
    return;
  }
  const results = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  for (const suite of results.testResults) {
    recorded[job.pass][relative(root, suite.name)] = Math.round(
      (suite.endTime - suite.startTime) / 1000,
    );
    const where = `${job.pass} pass: ${relative(root, suite.name)}`;
    const tests = suite.assertionResults.filter((test) => test.status === 'failed');
    for (const test of tests) failures.push(`${where} › ${test.fullName}`);
    // A suite that fails to load or times out in a hook has no failed test of its own.
    if (tests.length === 0 && suite.status === 'failed') failures.push(`${where} (suite failed)`);
  }
}

/**
 * The seconds a job is expected to take: its share of the project's files recorded in the pass,
 * split as its Jest run splits them (lib/duration-sequencer.cjs).
 */
function expectedSeconds(project, pass, shard, shards) {
  const files = Object.keys(recordedDurations[pass] ?? {})
    .filter((path) => path.startsWith(`${project.folder}/`))
    .map((path) => join(root, path));
  const seconds = durations.estimates(files, pass, recordedDurations);
  return durations.split(files, seconds, shards)[shard - 1].seconds;
}

/**
 * Writes the durations of this run's files into test-durations.json, over those of earlier runs
 * (a partial run refreshes its own files), and drops the files that are gone.
 */
function saveDurations() {
  const saved = durations.readDurations();
  const merged = {};
  for (const pass of ['server', 'embedded']) {
    const all = { ...saved[pass], ...recorded[pass] };
    merged[pass] = Object.fromEntries(
      Object.keys(all)
        .filter((path) => existsSync(join(root, path)))
        .sort()
        .map((path) => [path, all[path]]),
    );
  }
  writeFileSync(durations.DURATIONS_FILE, `${JSON.stringify(merged, null, 2)}\n`);
  say(`Recorded the files' durations in ${relative(root, durations.DURATIONS_FILE)}`);
}

/**
 * The projects asked for (`-p a,b`, `--projects=a`, repeatable), the slots (`--parallel N`),
 * whether to record the durations (`--record-durations`) and the rest, for Jest.
 */
function testArguments(args) {
  const requested = [];
  let slots = availableParallelism() + 1;
  let recordDurations = false;
  const rest = [];
  for (let index = 0; index < args.length; index += 1) {
    if (args[index] === '--record-durations') {
      recordDurations = true;
      continue;
    }
    const [flag, inline] = args[index].split(/=(.*)/s);
    if (!['-p', '--projects', '--parallel'].includes(flag)) {
      rest.push(args[index]);
      continue;
    }
    const value = inline ?? args[(index += 1)];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--parallel') slots = Number(value);
    else requested.push(...value.split(','));
  }
  if (!Number.isInteger(slots) || slots < 1) fail('--parallel must be a whole number from 1 up');
  return { requested, slots, recordDurations, jestArguments: rest };
}

/** The exit status of a child (1 for a signal or a failure to start). */
function exited(child) {
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('close', (code) => resolve(code ?? 1));
  });
}
