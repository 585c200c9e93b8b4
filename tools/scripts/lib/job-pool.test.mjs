// `node --test tools/scripts`: the slots of `npm test`'s Jest runs (run by `npm test`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { runPool } from './job-pool.mjs';

/** Jobs that each end when the test says so, recording when they start and end. */
function controlledJobs() {
  const log = [];
  const finishers = new Map();
  const start = (job) => {
    log.push(`start ${job.name}`);
    return new Promise((resolve) =>
      finishers.set(job.name, () => {
        log.push(`end ${job.name}`);
        resolve(`${job.name} done`);
      }),
    );
  };
  const finish = async (name) => {
    finishers.get(name)();
    // Lets the pool see the ending and start what follows.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { log, start, finish };
}

describe('runPool', () => {
  it('keeps at most `slots` jobs running, taking them in the order given', async () => {
    const { log, start, finish } = controlledJobs();
    const done = runPool([{ name: 'a' }, { name: 'b' }, { name: 'c' }], 2, start);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['start a', 'start b']);
    await finish('b');
    assert.deepEqual(log, ['start a', 'start b', 'end b', 'start c']);
    await finish('a');
    await finish('c');
    const results = await done;
    assert.deepEqual([...results.entries()].sort(), [
      ['a', 'a done'],
      ['b', 'b done'],
      ['c', 'c done'],
    ]);
  });

  it('starts a job only once the jobs it comes after have ended, filling the slot meanwhile', async () => {
    const { log, start, finish } = controlledJobs();
    const done = runPool(
      [{ name: 'build' }, { name: 'e2e', after: ['build'] }, { name: 'unit' }],
      2,
      start,
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['start build', 'start unit']);
    await finish('unit');
    assert.deepEqual(log, ['start build', 'start unit', 'end unit']);
    await finish('build');
    assert.deepEqual(log.slice(3), ['end build', 'start e2e']);
    await finish('e2e');
    await done;
  });

  it('refuses jobs that wait on a job never given', async () => {
    await assert.rejects(
      runPool([{ name: 'e2e', after: ['build'] }], 2, async () => undefined),
      /jobs wait on jobs that never run: e2e/,
    );
  });
});
