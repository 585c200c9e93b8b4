import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';

import { PrismaClient } from '../generated/prisma/client';

/**
 * The Prisma client over node-postgres. It connects lazily, so the API still boots (and reports
 * "not ready") while PostgreSQL is away.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(env: Environment) {
    super({
      adapter: new PrismaPg({
        connectionString: env.DATABASE_URL,
        connectionTimeoutMillis: 5_000,
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
