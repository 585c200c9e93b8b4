// `node --test tools/scripts`: the embedded pass's kept cluster dumps are read and pruned by use.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import dumps from './cached-dumps.cjs';

const { pruneDumps, readDump } = dumps;

/** A folder with the given files, each last used the given number of hours ago. */
function folderWith(files) {
  const folder = mkdtempSync(join(tmpdir(), 'bn-cached-dumps-'));
  for (const [name, hoursAgo] of Object.entries(files)) {
    writeFileSync(join(folder, name), name);
    const when = new Date(Date.now() - hoursAgo * 3_600_000);
    utimesSync(join(folder, name), when, when);
  }
  return folder;
}

describe('pruneDumps', () => {
  it('keeps the most recently used dumps of the prefix and deletes the older ones and crashed partial ones', () => {
    const folder = folderWith({
      'bn-migrated-a.tar': 5,
      'bn-migrated-b.tar': 1,
      'bn-migrated-c.tar': 3,
      'bn-migrated-d.tar': 2,
      'bn-fresh.tar': 9,
      'other.tar': 9,
      'bn-migrated-e.tar.123': 9,
      'bn-migrated-f.tarball': 9,
    });
    pruneDumps(folder, 'bn-migrated-', 2);
    assert.deepEqual(readdirSync(folder).sort(), [
      'bn-fresh.tar',
      'bn-migrated-b.tar',
      'bn-migrated-d.tar',
      'bn-migrated-f.tarball',
      'other.tar',
    ]);
  });

  it('counts a read as a use, so the dump a run just loaded is kept', () => {
    const folder = folderWith({ 'bn-old.tar': 5, 'bn-new.tar': 1 });
    assert.equal(readDump(join(folder, 'bn-old.tar')).toString(), 'bn-old.tar');
    pruneDumps(folder, 'bn-', 1);
    assert.deepEqual(readdirSync(folder), ['bn-old.tar']);
  });
});

describe('readDump', () => {
  it('answers nothing for a dump another run pruned', () => {
    assert.equal(readDump(join(folderWith({}), 'gone.tar')), undefined);
  });
});
