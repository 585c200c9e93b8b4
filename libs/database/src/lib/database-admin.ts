import { Client } from 'pg';

import { applyMigrations } from './migrations';

function split(connectionString: string): { admin: string; name: string } {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
    throw new Error(
      `Database name "${name}" must be 1 to 63 letters, digits, dashes or underscores`,
    );
  }
  url.pathname = '/postgres';
  return { admin: url.toString(), name };
}

async function withAdmin<T>(admin: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL when it does not exist yet; true when it created it. */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const { admin, name } = split(connectionString);
  return withAdmin(admin, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      // Another process created it between the check and the CREATE: that is what we wanted.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  });
}

export async function dropDatabase(connectionString: string): Promise<void> {
  const { admin, name } = split(connectionString);
  await withAdmin(admin, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

/**
 * Creates the database `name` on the server of `serverUrl` and applies the migrations in
 * `migrationsDir`: a test run's or a benchmark's own database. Drop it with `dropDatabase`.
 */
export async function createMigratedDatabase(
  serverUrl: string,
  name: string,
  migrationsDir: string,
): Promise<string> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  await applyMigrations({ connectionString: databaseUrl, migrationsDir });
  return databaseUrl;
}
