import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';

import { createMigratedDatabase } from '../../libs/database/src/lib/database-admin';
import { EMBEDDED_DATABASE_NAME } from '../../libs/embedded/src/lib/embedded-database';
import { PgliteWireServer } from '../../libs/embedded/src/lib/pglite-wire-server';
import { pruneDumps, readDump } from '../scripts/lib/cached-dumps.cjs';
import { freshClusterDump, keepDump, pgliteVersion } from './fresh-cluster-dump';

/**
 * A dump of a PGlite cluster with `migrationsDir` applied, for `startEmbeddedDatabase({
 * clusterDump })`, and the file it is kept in (for a second instance's database, in a process of
 * its own): each Jest run of the embedded pass loads it rather than applying every
 * migration to a fresh cluster (2 to 3 CPU-seconds a run, ten runs a pass). Made once per
 * PGlite version and migrations (their paths and contents hashed, with the code that applies
 * them: a migration added or edited makes a new one), kept in the system's temporary folder
 * beside the fresh cluster's (written as it is: `keepDump`; the least recently used pruned). The
 * global setup still runs the migrations over it, which finds them all applied with their
 * checksums: the dump stands in for nothing the migrations would not do.
 */
export async function migratedClusterDump(
  migrationsDir: string,
): Promise<{ dump: Blob; file: string }> {
  const file = join(
    tmpdir(),
    `bridgenotes-pglite-${pgliteVersion()}-migrated-${migrationsHash(migrationsDir, RUNNER)}.tar`,
  );
  const kept = readDump(file);
  if (kept) return { dump: new Blob([kept]), file };

  const db = await PGlite.create({ loadDataDir: await freshClusterDump() });
  try {
    const server = new PgliteWireServer(db, { host: '127.0.0.1', port: 0 });
    const { port } = await server.start();
    try {
      await createMigratedDatabase(
        `postgresql://postgres@127.0.0.1:${port}/`,
        EMBEDDED_DATABASE_NAME,
        migrationsDir,
      );
    } finally {
      await server.stop();
    }
    // Everything written so far in the data files the dump copies, not only in the WAL.
    await db.query('CHECKPOINT');
    const dump = await keepDump(db, file);
    // Dumps of other migrations and PGlite versions, 40-odd MB each, beyond the last few used.
    pruneDumps(tmpdir(), 'bridgenotes-pglite-', DUMPS_KEPT);
    return { dump, file };
  } finally {
    await db.close();
  }
}

/**
 * The dumps kept (the fresh cluster's and the migrated ones): one set of migrations in use, and
 * checkouts side by side (worktrees) may each have theirs.
 */
const DUMPS_KEPT = 5;

/**
 * The code that applies the migrations (their history table, how each is applied): a change to
 * it makes a new dump too, as one to a migration does.
 */
const RUNNER = ['migrations.ts', 'database-admin.ts'].map((name) =>
  join(__dirname, '../../libs/database/src/lib', name),
);

/**
 * The hash of every file under `folder` (its path there and its contents, in path order) and of
 * the `runner`'s files' contents.
 */
function migrationsHash(folder: string, runner: string[]): string {
  const hash = createHash('sha256');
  for (const file of runner) hash.update(readFileSync(file)).update('\0');
  const files = (readdirSync(folder, { recursive: true }) as string[])
    .filter((path) => statSync(join(folder, path)).isFile())
    .sort();
  for (const path of files) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(folder, path)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
