import type { PrismaClient } from '@bridgenotes/database';
import { Client } from 'pg';

import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';

/** The files of the buffer's table, its TOAST table and its indexes, relative to the data folder. */
export async function bufferFiles(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ path: string }[]>`
    SELECT pg_relation_filepath(c.oid) AS path
      FROM pg_class c
     WHERE c.oid = 'write_buffer'::regclass
        OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'write_buffer'::regclass)
        OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'write_buffer'::regclass)`;
  return rows.map((row) => row.path);
}

/** A file of the data folder as the disk holds it (empty when it is gone). */
async function fileBytes(prisma: PrismaClient, path: string): Promise<Buffer> {
  const [row] = await prisma.$queryRaw<{ bytes: Uint8Array | null }[]>`
    SELECT pg_read_binary_file(${path}::text, 0, size, true) AS bytes
      FROM pg_stat_file(${path}::text, true)`;
  return Buffer.from(row?.bytes ?? new Uint8Array());
}

/** Which of `secrets` some file among `paths` still holds. */
export async function foundIn(prisma: PrismaClient, paths: string[], secrets: string[]) {
  const found = new Set<string>();
  for (const path of paths) {
    const bytes = await fileBytes(prisma, path);
    for (const secret of secrets) if (bytes.includes(secret)) found.add(secret);
  }
  return [...found];
}

/**
 * Waits until no file the buffer had (`before`) or has holds any of `secrets`, once written out
 * (`check` runs first at each try).
 */
export async function scrubbedFrom(
  prisma: PrismaClient,
  before: string[],
  secrets: string[],
  check?: () => Promise<void>,
): Promise<void> {
  // Once a second: each try checkpoints the whole server, which other test jobs share.
  await eventually(
    async () => {
      await check?.();
      await prisma.$executeRawUnsafe('CHECKPOINT');
      const after = await bufferFiles(prisma);
      expect(await foundIn(prisma, [...new Set([...before, ...after])], secrets)).toEqual([]);
    },
    PATIENCE_MS,
    1_000,
  );
}

/** A session of the database at `url` with a transaction open, begun by `statements`. */
interface OpenTransaction {
  pid: number;
  /** Rolls the transaction back and ends the session. */
  end: () => Promise<void>;
}

async function openTransaction(url: string, statements: string[]): Promise<OpenTransaction> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const end = async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
  try {
    for (const statement of statements) await client.query(statement);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { pid: rows[0]?.pid ?? 0, end };
  } catch (error) {
    await end();
    throw error;
  }
}

/**
 * Runs `meanwhile` while a session of the database at `url` has a transaction open, begun by
 * `statements`; gives it that session's process id.
 */
async function besideTransaction(
  url: string,
  statements: string[],
  meanwhile: (pid: number) => Promise<void>,
): Promise<void> {
  const open = await openTransaction(url, statements);
  try {
    await meanwhile(open.pid);
  } finally {
    await open.end();
  }
}

/** Runs `meanwhile` while another connection holds the buffer's table, as a long reader does. */
export const besideReader = (meanwhile: () => Promise<void>) =>
  besideTransaction(
    currentTestRun().databaseUrl,
    ['BEGIN', 'LOCK TABLE write_buffer IN ACCESS SHARE MODE'],
    meanwhile,
  );

/** A snapshot taken now; it reads another table: it holds no lock on the buffer, only its snapshot. */
const SNAPSHOT = ['BEGIN ISOLATION LEVEL REPEATABLE READ', 'SELECT count(*) FROM communities'];

/** Runs `meanwhile` while another connection holds a snapshot taken now, as a long export does. */
export const besideSnapshot = (meanwhile: (pid: number) => Promise<void>) =>
  besideTransaction(currentTestRun().databaseUrl, SNAPSHOT, meanwhile);

/**
 * Another connection holding a snapshot taken now until its `end`: for snapshots whose lives
 * overlap without nesting (`besideSnapshot`'s end with its callback's).
 */
export const openSnapshot = () => openTransaction(currentTestRun().databaseUrl, SNAPSHOT);

/**
 * Runs `meanwhile` while a session of another database of the server has a transaction of its
 * own open, begun now: the rewrite's snapshot would count it as running, and keep every row
 * deleted after it began.
 */
export function besideOtherDatabase(meanwhile: (pid: number) => Promise<void>): Promise<void> {
  const url = new URL(currentTestRun().databaseUrl);
  url.pathname = '/postgres';
  return besideTransaction(url.toString(), ['BEGIN', 'SELECT pg_current_xact_id()'], meanwhile);
}
