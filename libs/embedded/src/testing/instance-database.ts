import { createMigratedDatabase, dropDatabase } from '@bridgenotes/database';
import type { TestRun } from '@bridgenotes/testing';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { EMBEDDED_DATABASE_NAME } from '../lib/embedded-database';
import { startServeProcess } from './serve-process';

const MIGRATIONS = join(__dirname, '../../../../prisma/migrations');

export interface InstanceDatabase {
  /** A migrated, empty database for another instance of Bridgenotes. */
  url: string;
  /** Drops the database, or stops the embedded one (it lived in memory). */
  drop(): Promise<void>;
}

/**
 * A database of its own for a second instance in a test (mirroring needs two). On the servers
 * it is a fresh database beside the run's; in the embedded pass, where PGlite holds one database
 * only, it is a second in-memory PGlite in a process of its own, as a second `npm start` would
 * run it.
 */
export async function createInstanceDatabase(
  run: TestRun,
  name: string,
): Promise<InstanceDatabase> {
  if (!run.embedded) {
    const url = await createMigratedDatabase(
      run.databaseUrl,
      `bridgenotes_${name}_${randomBytes(4).toString('hex')}`,
      MIGRATIONS,
    );
    return { url, drop: () => dropDatabase(url) };
  }
  // From the run's migrated cluster (about 8 CPU-seconds less than initdb and every migration),
  // unless another checkout's run pruned it meanwhile; the migrations below only check it then.
  const dump = run.clusterDump;
  const served = await startServeProcess(dump && existsSync(dump) ? ['--cluster-dump', dump] : []);
  try {
    const url = await createMigratedDatabase(served.url, EMBEDDED_DATABASE_NAME, MIGRATIONS);
    return { url, drop: () => served.stop() };
  } catch (error) {
    await served.stop();
    throw error;
  }
}
