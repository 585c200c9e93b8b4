// `npm test`: installs what is missing, finds or starts PostgreSQL and Redis, runs every
// project's tests (unit, integration against the real services, end to end against the built
// apps) and exits non-zero on any failure. Extra arguments go to `nx run-many`.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { prepareWorkspace, root, run, say } from './lib/workspace.mjs';

// DATABASE_URL names only the server: the global setup creates and drops a database of its own.
const env = await prepareWorkspace();

// Each project's Jest writes its results beside its config; they are summed up at the end.
const RESULTS = '.jest-results.json';
const projects = ['apps', 'libs']
  .flatMap((folder) => readdirSync(join(root, folder)).map((name) => join(root, folder, name)))
  .filter((project) => existsSync(join(project, 'jest.config.cjs')));
for (const project of projects) rmSync(join(project, RESULTS), { force: true });

say('Running the tests (this run gets a database and a Redis key prefix of its own)…');
const status = run(
  'npx',
  [
    'nx',
    'run-many',
    '-t',
    'test',
    '--output-style=stream',
    ...process.argv.slice(2),
    '--',
    '--ci',
    '--json',
    `--outputFile=${RESULTS}`,
  ],
  {
    exitOnFailure: false,
    env,
  },
);

let passed = 0;
let failed = 0;
for (const project of projects) {
  const file = join(project, RESULTS);
  if (!existsSync(file)) continue;
  const results = JSON.parse(readFileSync(file, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  rmSync(file);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
