import { defineConfig } from 'prisma/config';

// `prisma migrate deploy` reads DATABASE_URL; `prisma generate` needs no database at all.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    url: process.env['DATABASE_URL'] ?? '',
  },
});
