import type { PrismaClient } from '@bridgenotes/database';
import { Client } from 'pg';

import { currentTestRun, eventually } from '@bridgenotes/testing';

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
  await eventually(async () => {
    await check?.();
    await prisma.$executeRawUnsafe('CHECKPOINT');
    const after = await bufferFiles(prisma);
    expect(await foundIn(prisma, [...new Set([...before, ...after])], secrets)).toEqual([]);
  });
}

/** Runs `meanwhile` while another connection holds the buffer's table, as a long reader does. */
export async function besideReader(meanwhile: () => Promise<void>): Promise<void> {
  const reader = new Client({ connectionString: currentTestRun().databaseUrl });
  await reader.connect();
  try {
    await reader.query('BEGIN');
    await reader.query('LOCK TABLE write_buffer IN ACCESS SHARE MODE');
    await meanwhile();
  } finally {
    await reader.query('ROLLBACK');
    await reader.end();
  }
}

/** Runs `meanwhile` while another connection holds a snapshot taken now, as a long export does. */
export async function besideSnapshot(meanwhile: (pid: number) => Promise<void>): Promise<void> {
  const reader = new Client({ connectionString: currentTestRun().databaseUrl });
  await reader.connect();
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    // It reads another table: it holds no lock on the buffer, only its snapshot.
    await reader.query('SELECT count(*) FROM communities');
    const { rows } = await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await meanwhile(rows[0]?.pid ?? 0);
  } finally {
    await reader.query('ROLLBACK');
    await reader.end();
  }
}
