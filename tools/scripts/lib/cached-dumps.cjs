// The PGlite cluster dumps the embedded pass keeps in the system's temporary folder between runs
// (tools/testing/fresh-cluster-dump.ts, migrated-cluster-dump.ts): each is 40-odd MB, and a new
// one is made for every PGlite version and every change to the migrations, so without pruning
// they pile up for as long as the machine lives. CommonJS: the Jest global setup loads it with
// Node's own `require`.
const { readdirSync, readFileSync, statSync, unlinkSync, utimesSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The dump in `file`, its modification time set to now (the mark `pruneDumps` keeps the most
 * recently used by), or undefined when there is none. Another run may prune it between a look
 * and the read, so there is no separate look: a missing file is simply no dump.
 */
function readDump(file) {
  let dump;
  try {
    dump = readFileSync(file);
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Another user's dump in a shared folder: used all the same, only not marked.
  }
  return dump;
}

/**
 * Deletes the dumps in `folder` whose names start with `prefix` and end in `.tar` (or `.tar.<pid>`,
 * a partial one), but the `keep` most recently used (written or read). Several checkouts (worktrees with other migrations) may
 * each use their own, so more than one is kept; files other runs delete first are skipped.
 */
function pruneDumps(folder, prefix, keep) {
  const dumps = [];
  for (const name of readdirSync(folder)) {
    // A dump and the partial files runs write it through (`<dump>.<pid>`), a crashed one's left.
    if (!name.startsWith(prefix) || !/\.tar(\.\d+)?$/.test(name)) continue;
    try {
      dumps.push({ path: join(folder, name), used: statSync(join(folder, name)).mtimeMs });
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  dumps.sort((a, b) => b.used - a.used);
  for (const { path } of dumps.slice(keep)) {
    try {
      unlinkSync(path);
    } catch (error) {
      // Gone already, or another user's in a shared folder.
      if (error.code !== 'ENOENT' && error.code !== 'EPERM' && error.code !== 'EACCES') throw error;
    }
  }
}

module.exports = { pruneDumps, readDump };
