import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';

import { PgliteWireServer, type LongHold } from './pglite-wire-server';

export interface EmbeddedDatabaseOptions {
  /** The folder the database lives in (created if needed); in memory when omitted. */
  dataDir?: string;
  /** Loopback by default: the embedded database accepts anyone who can connect. */
  host?: string;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  maxConnections?: number;
  /**
   * In memory only: a dump of a cluster (tools/testing/fresh-cluster-dump.ts: new and empty;
   * migrated-cluster-dump.ts: with the migrations applied) to start from, instead of creating
   * the cluster, which is most of the start (initdb in WebAssembly, about 6 s of CPU against 2 to
   * load the dump). The tests start an in-memory database per Jest run.
   */
  clusterDump?: Blob;
  /** Told when a client held the one session `longHoldMs` (5 s) or longer. */
  onLongHold?: (hold: LongHold) => void;
  longHoldMs?: number;
}

export interface EmbeddedDatabase {
  /** A PostgreSQL connection URL for `pg`, Prisma and BullMQ. */
  url: string;
  host: string;
  port: number;
  /** Rolls back open transactions, closes every connection and PGlite (flushing it to disk). */
  stop(): Promise<void>;
}

/** PGlite's one database. */
export const EMBEDDED_DATABASE_NAME = 'postgres';

/** Where PGlite's files go inside the data folder; the lock file sits beside them. */
export const PGDATA_FOLDER = 'pgdata';
const LOCK_FILE = 'embedded.pid';

/**
 * A WAL segment a checkpoint no longer needs is deleted, not renamed for reuse with its old
 * contents (rows since deleted, such as sealed writes, in the order they arrived: see
 * `WriteBuffer.scrubSealed`), and a new one is not filled with zeros first (it would cost a
 * segment's writing for nothing, with fsync off anyway).
 */
const WAL_SETTINGS = ['-c', 'wal_recycle=off', '-c', 'wal_init_zero=off'];

export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite itself opens a folder another process is using without complaint, and two PostgreSQL
 * instances writing one folder corrupt it: this lock (a file holding the owner's pid, taken over
 * when that process is gone) is what prevents it.
 */
function lockDataFolder(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DataFolderInUseError(
        `The embedded database in ${dataDir} is in use by process ${owner}; stop it first`,
      );
    }
    // Left by a process that died (or by this one, never released): take it over.
    rmSync(lock, { force: true });
  }
}

/** Deletes the database in a data folder (refused while a process has it open). */
export function wipeEmbeddedData(dataDir: string): void {
  const unlock = lockDataFolder(dataDir);
  try {
    rmSync(join(dataDir, PGDATA_FOLDER), { recursive: true, force: true });
  } finally {
    unlock();
  }
}

/**
 * Starts PostgreSQL in WebAssembly (PGlite) and serves it on a local TCP port, so the apps, the
 * migration runner and BullMQ connect to it exactly as to a PostgreSQL server.
 */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions = {},
): Promise<EmbeddedDatabase> {
  const unlock = options.dataDir ? lockDataFolder(options.dataDir) : () => undefined;
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({
      ...(options.dataDir
        ? { dataDir: join(options.dataDir, PGDATA_FOLDER) }
        : { loadDataDir: options.clusterDump }),
      startParams: [...PGlite.defaultStartParams, ...WAL_SETTINGS],
    });
    const server = new PgliteWireServer(db, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 100,
      ...(options.onLongHold ? { onLongHold: options.onLongHold } : {}),
      ...(options.longHoldMs ? { longHoldMs: options.longHoldMs } : {}),
    });
    const { address, port } = await server.start();
    const opened = db;
    return {
      url: `postgresql://postgres@${address.includes(':') ? `[${address}]` : address}:${port}/${EMBEDDED_DATABASE_NAME}`,
      host: address,
      port,
      async stop() {
        try {
          await server.stop();
          await opened.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    unlock();
    throw error;
  }
}
