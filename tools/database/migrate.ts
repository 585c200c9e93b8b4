// `npm run db:migrate`: creates the database in DATABASE_URL (the environment, then .env) if
// needed and applies prisma/migrations the way `prisma migrate deploy` would, without Prisma's
// schema engine.
import { join } from 'node:path';

import { readEnvironment } from '../../libs/config/src/lib/read-environment';
import { ensureDatabase } from '../../libs/database/src/lib/database-admin';
import { applyMigrations } from '../../libs/database/src/lib/migrations';

async function main(): Promise<void> {
  const connectionString = readEnvironment()['DATABASE_URL'];
  if (!connectionString) {
    throw new Error('DATABASE_URL is not set');
  }
  if (await ensureDatabase(connectionString)) {
    console.log(`created database ${new URL(connectionString).pathname.slice(1)}`);
  }
  const applied = await applyMigrations({
    connectionString,
    migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
    log: (line) => console.log(line),
  });
  console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
}

main().catch((error: Error) => {
  console.error(`migration failed: ${error.message}`);
  process.exit(1);
});
