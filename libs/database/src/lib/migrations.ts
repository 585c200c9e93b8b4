import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Client } from 'pg';

export interface Migration {
  name: string;
  sql: string;
  /** Prisma's checksum: SHA-256 of `migration.sql`, hex. */
  checksum: string;
}

export interface ApplyMigrationsOptions {
  connectionString: string;
  migrationsDir: string;
  log?: (line: string) => void;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// Any constant works; it only has to be the same for every runner against one database.
const MIGRATION_LOCK_KEY = 0x6272_6e6f;

// Prisma's own history table, column for column, so `prisma migrate deploy` and this runner
// agree on what has been applied to a database.
const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations in name order, each in its own transaction, recording them the way
 * Prisma does. Refuses to run over a history it cannot explain: a failed migration, one changed
 * after it was applied, or one the folder does not have.
 */
export async function applyMigrations({
  connectionString,
  migrationsDir,
  log = () => undefined,
}: ApplyMigrationsOptions): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_HISTORY_TABLE);
    const { rows } = await client.query<HistoryRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at
         FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const pending = checkHistory(migrations, rows);
    for (const migration of pending) {
      await applyOne(client, migration);
      log(`applied migration ${migration.name}`);
    }
    return pending.map((migration) => migration.name);
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await client.end();
  }
}

function checkHistory(migrations: Migration[], history: HistoryRow[]): Migration[] {
  const local = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const row of history) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished; resolve it before migrating again.`,
      );
    }
    const migration = local.get(row.migration_name);
    if (!migration) {
      throw new MigrationError(
        `The database has migration ${row.migration_name}, which prisma/migrations does not.`,
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.migration_name} was changed after it was applied; add a new migration instead.`,
      );
    }
  }
  const applied = new Set(history.map((row) => row.migration_name));
  return migrations.filter((migration) => !applied.has(migration.name));
}

async function applyOne(client: Client, migration: Migration): Promise<void> {
  try {
    await client.query('BEGIN');
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
       VALUES ($1, $2, $3, now())`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(
      `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
    );
  }
}
