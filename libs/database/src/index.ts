export * from './generated/prisma/client';
export * from './lib/copy-database';
export * from './lib/database-admin';
export * from './lib/migrations';
export * from './lib/prisma.module';
export * from './lib/prisma.service';
export * from './lib/stores';
export * from './lib/copy-out';
