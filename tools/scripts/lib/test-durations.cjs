// How long each test file took, per pass of `npm test`, from a recorded run
// (tools/scripts/test-durations.json, refreshed by `npm test -- --record-durations`): what the
// shards of a project are split by (./duration-sequencer.cjs) and what the job slots take
// longest first (test.mjs). CommonJS: Jest loads the sequencer with Node's own `require`.
const { existsSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const DURATIONS_FILE = join(root, 'tools', 'scripts', 'test-durations.json');

/** `{ server: { 'apps/api/src/…spec.ts': seconds }, embedded: {…} }`, empty when missing. */
function readDurations() {
  return existsSync(DURATIONS_FILE) ? JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) : {};
}

/** The pass a Jest run belongs to, as test.mjs sets it. */
const passOf = (env = process.env) => (env.BRIDGENOTES_MODE === 'embedded' ? 'embedded' : 'server');

/**
 * The seconds expected of each file (absolute paths) in a pass. A file not recorded (new since
 * the last refresh) counts as the median of its project's recorded files, else of the pass's, so
 * that it neither piles onto one shard nor is taken for free.
 */
function estimates(files, pass, durations = readDurations()) {
  const recorded = durations[pass] ?? {};
  const median = (values) =>
    values.length === 0 ? 10 : values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const passMedian = median(Object.values(recorded));
  return files.map((file) => {
    const path = relative(root, file);
    if (path in recorded) return recorded[path];
    const project = path.split('/').slice(0, 2).join('/') + '/';
    const siblings = Object.entries(recorded).filter(([other]) => other.startsWith(project));
    return siblings.length > 0 ? median(siblings.map(([, seconds]) => seconds)) : passMedian;
  });
}

/**
 * Splits files into `count` shards of about equal expected time: longest first, each to the
 * shard with the least so far (ties by path, then by shard), so every shard's run computes the
 * same split from the same files. Returns the shards as lists of indexes into `files`, with their
 * expected seconds.
 */
function split(files, seconds, count) {
  const shards = Array.from({ length: count }, () => ({ indexes: [], seconds: 0 }));
  const order = files
    .map((file, index) => index)
    .sort((a, b) => seconds[b] - seconds[a] || (files[a] < files[b] ? -1 : 1));
  for (const index of order) {
    const lightest = shards.reduce((best, shard) => (shard.seconds < best.seconds ? shard : best));
    lightest.indexes.push(index);
    lightest.seconds += seconds[index];
  }
  return shards;
}

module.exports = { DURATIONS_FILE, estimates, passOf, readDurations, root, split };
