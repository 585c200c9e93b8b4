import { Client } from 'pg';

import { ensureDatabase } from './database-admin';
import { applyMigrations } from './migrations';

export interface CopyDatabaseOptions {
  /** Where the data is now (an embedded database served by `npm run db:embedded`, say). */
  from: string;
  /** A database with no Bridgenotes data yet; created and migrated if needed. */
  to: string;
  migrationsDir: string;
  /** SQL run in the target's transaction after the rows are in, before the commit. */
  finish?: string;
  log?: (line: string) => void;
}

export class CopyRefusedError extends Error {
  override name = 'CopyRefusedError';
}

const PAGE = 5_000;
const MIGRATION_TABLE = '_prisma_migrations';
/**
 * The change feed's batch counter: one row, which the migrations create on the target too. It is
 * not copied as a table: the target's row takes the source's value, so the copied positions keep
 * their meaning (followers keep their cursors) and later batches sort after them.
 */
const CHANGE_COUNTER = 'change_batches';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tablesInDependencyOrder(client: Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1
      ORDER BY table_name`,
    [MIGRATION_TABLE],
  );
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`,
  );
  const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
  const ordered: string[] = [];
  const pending = new Set(tables.map(({ name }) => name));
  while (pending.size > 0) {
    const ready = [...pending].filter(
      (table) =>
        !references.some(
          ({ child, parent }) => unquote(child) === table && pending.has(unquote(parent)),
        ),
    );
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...pending]}`);
    for (const table of ready) {
      ordered.push(table);
      pending.delete(table);
    }
  }
  return ordered;
}

async function appliedMigrations(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "${MIGRATION_TABLE}"
      WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL ORDER BY migration_name`,
  );
  return rows.map(({ migration_name }) => migration_name);
}

/**
 * Copies every table of one Bridgenotes database into another, in one transaction on the target:
 * both are brought to the same migrations first, the target must hold no rows yet, rows go in
 * parents first, sequences continue after the copied ids, and the change feed's positions and counter
 * are kept. Used to move a community from the
 * embedded database to a PostgreSQL server (`npm run db:copy`). The queues are not copied.
 */
export async function copyDatabase({
  from,
  to,
  migrationsDir,
  finish,
  log = () => undefined,
}: CopyDatabaseOptions): Promise<Record<string, number>> {
  await applyMigrations({ connectionString: from, migrationsDir });
  await ensureDatabase(to);
  await applyMigrations({ connectionString: to, migrationsDir });

  const source = new Client({ connectionString: from });
  const target = new Client({ connectionString: to });
  await source.connect();
  await target.connect();
  try {
    const [sourceMigrations, targetMigrations] = await Promise.all([
      appliedMigrations(source),
      appliedMigrations(target),
    ]);
    if (sourceMigrations.join() !== targetMigrations.join()) {
      throw new CopyRefusedError(
        'The two databases have different migrations applied; update both to this version first',
      );
    }
    const tables = (await tablesInDependencyOrder(source)).filter(
      (table) => table !== CHANGE_COUNTER,
    );
    for (const table of tables) {
      const { rows } = await target.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
      if (rows.length > 0) {
        throw new CopyRefusedError(
          `The target already holds data (table ${table}); copy only into an empty database`,
        );
      }
    }

    const copied: Record<string, number> = {};
    // A snapshot of the source, and all or nothing on the target.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await target.query('BEGIN');
    try {
      for (const table of tables) {
        copied[table] = 0;
        await source.query(
          `DECLARE rows_of NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${quote(table)} t`,
        );
        for (;;) {
          const { rows } = await source.query<{ row: string }>(`FETCH ${PAGE} FROM rows_of`);
          if (rows.length === 0) break;
          await target.query(
            `INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`,
            [`[${rows.map(({ row }) => row).join(',')}]`],
          );
          copied[table] += rows.length;
        }
        await source.query('CLOSE rows_of');
        log(`${table}: ${copied[table]} rows`);
      }
      // Serial and identity columns continue after the highest copied value.
      const { rows: sequences } = await target.query<{ table: string; column: string }>(
        `SELECT table_name AS table, column_name AS column FROM information_schema.columns
          WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
      );
      for (const { table, column } of sequences) {
        await target.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(${quote(column)}), 0) + 1, false)
             FROM ${quote(table)}`,
          [quote(table), column],
        );
      }
      const { rows: counter } = await source.query<{ last: string }>(
        `SELECT last::text FROM ${CHANGE_COUNTER} WHERE id = 1`,
      );
      await target.query(`UPDATE ${CHANGE_COUNTER} SET last = $1 WHERE id = 1`, [
        counter[0]?.last ?? '0',
      ]);
      if (finish) await target.query(finish);
      await target.query('COMMIT');
    } catch (error) {
      await target.query('ROLLBACK');
      throw error;
    } finally {
      await source.query('ROLLBACK');
    }
    return copied;
  } finally {
    await source.end();
    await target.end();
  }
}
