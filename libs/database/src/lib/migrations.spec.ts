import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { dropDatabase, ensureDatabase } from './database-admin';
import { applyMigrations, MigrationError, readMigrations } from './migrations';

const REAL_MIGRATIONS = join(__dirname, '../../../../prisma/migrations');

// Every test here needs a fresh database of its own; the embedded database (PGlite) is one
// database, so this suite runs against PostgreSQL servers only.
const onServers = currentTestRun().embedded ? describe.skip : describe;

onServers('applyMigrations', () => {
  let databaseUrl: string;
  let folder: string;

  beforeEach(async () => {
    const url = new URL(currentTestRun().databaseUrl);
    url.pathname = `${url.pathname}_m${Math.random().toString(36).slice(2, 8)}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);
    folder = await mkdtemp(join(tmpdir(), 'bn-migrations-'));
  });

  afterEach(async () => {
    await dropDatabase(databaseUrl);
    await rm(folder, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(folder, name));
    await writeFile(join(folder, name, 'migration.sql'), sql);
  }

  async function query<T extends object>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  const apply = () => applyMigrations({ connectionString: databaseUrl, migrationsDir: folder });

  it("applies the project's migrations and records them as Prisma does", async () => {
    await cp(REAL_MIGRATIONS, folder, { recursive: true });
    const expected = await readMigrations(folder);
    expect(await apply()).toEqual(expected.map((migration) => migration.name));
    const history = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(history).toEqual(
      expected.map(({ name, checksum }) => ({
        migration_name: name,
        checksum,
        applied_steps_count: 1,
      })),
    );
    expect(await apply()).toEqual([]);
  });

  it('applies only what is pending, in name order', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    expect(await apply()).toEqual(['20260101000000_a']);
    await addMigration('20260102000000_b', 'CREATE TABLE b (id INT);');
    await addMigration('20260103000000_c', 'ALTER TABLE b ADD COLUMN x INT;');
    expect(await apply()).toEqual(['20260102000000_b', '20260103000000_c']);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await addMigration(
      '20260102000000_bad',
      'CREATE TABLE half (id INT); SELECT no_such_function();',
    );
    await expect(apply()).rejects.toThrow(/20260102000000_bad failed and was rolled back/);
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((table) => table.tablename)).toEqual(['_prisma_migrations', 'a']);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await apply();
    await writeFile(
      join(folder, '20260101000000_a', 'migration.sql'),
      'CREATE TABLE a (id BIGINT);',
    );
    await expect(apply()).rejects.toThrow(MigrationError);
    await expect(apply()).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuses a database that has migrations the folder lacks', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await apply();
    await rm(join(folder, '20260101000000_a'), { recursive: true });
    await expect(apply()).rejects.toThrow(/which prisma\/migrations does not/);
  });

  it('applies each migration once when several runners start together', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.flat()).toEqual(['20260101000000_a']);
  });
});
