import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';

import { readDump } from '../scripts/lib/cached-dumps.cjs';

/**
 * A dump of a new, empty PGlite cluster, for `startEmbeddedDatabase({ clusterDump })`: made once
 * per PGlite version and kept in the system's temporary folder, so that the migrated cluster's
 * dump (./migrated-cluster-dump.ts) starts from it rather than from a cluster created anew
 * (initdb in WebAssembly, about 6 s of CPU). Written under a name of its own, then renamed: runs
 * starting side by side never read half a file. Here, beside the global setup, rather than in the
 * embedded library's test support: PGlite cannot load inside a Jest test file
 * (libs/embedded/src/testing/serve-process.ts).
 */
export async function freshClusterDump(): Promise<Blob> {
  const file = join(tmpdir(), `bridgenotes-pglite-${pgliteVersion()}-fresh-cluster.tar`);
  const kept = readDump(file);
  if (kept) return new Blob([kept]);
  const db = await PGlite.create();
  try {
    return await keepDump(db, file);
  } finally {
    await db.close();
  }
}

/**
 * Dumps `db`'s cluster into `file`, written under a name of its own and then renamed: runs
 * starting side by side never read half a file. Answers the dump.
 */
export async function keepDump(db: PGlite, file: string): Promise<Blob> {
  const dump = await db.dumpDataDir('none');
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return dump;
}

/** The installed PGlite's version, which names the dumps: a cluster of another is not loaded. */
export function pgliteVersion(): string {
  // The package's exports leave out its package.json: read it beside its entry point.
  const { version } = JSON.parse(
    readFileSync(
      join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'),
      'utf8',
    ),
  ) as { version: string };
  return version;
}
