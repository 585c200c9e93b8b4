import { PrismaPg } from '@prisma/adapter-pg';
import { join } from 'node:path';

import { PrismaClient } from '../generated/prisma/client';
import { createMigratedDatabase, dropDatabase } from '../lib/database-admin';

/** The repository's migrations, as tools run from the sources find them. */
export const MIGRATIONS_DIR = join(__dirname, '../../../../prisma/migrations');

/** The PostgreSQL server benchmarks and tools use: DATABASE_URL's, else the local one. */
export const serverUrl = (): string =>
  process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/bridgenotes';

export interface ScratchDatabase {
  url: string;
  /** A client on it, for writing the data to measure and reading what was written. */
  prisma: PrismaClient;
  /** Disconnects the client and drops the database. */
  drop(): Promise<void>;
}

/**
 * A migrated, empty database of its own (`bridgenotes_bench_<id>`) on the server of
 * `serverUrl()`, for one benchmark run, which drops it when done. `id` defaults to the time, so
 * runs side by side do not meet.
 */
export async function createScratchDatabase(
  id = Date.now().toString(36),
): Promise<ScratchDatabase> {
  const url = await createMigratedDatabase(serverUrl(), `bridgenotes_bench_${id}`, MIGRATIONS_DIR);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}
