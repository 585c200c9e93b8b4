import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Environment } from '@bridgenotes/config';

import { PrismaClient } from '../generated/prisma/client';

/**
 * The Prisma client over node-postgres. It connects lazily, so the API still boots (and reports
 * "not ready") while PostgreSQL is away.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(env: Environment) {
    super({
      adapter: new PrismaPg({
        connectionString: env.DATABASE_URL,
        // Waiting for a pooled connection, and for a new one's handshake: see the variable.
        connectionTimeoutMillis: env.DATABASE_POOL_WAIT_SECONDS * 1000,
      }),
      // An interactive transaction's start waits as long as a query does for its connection
      // (Prisma's own default, 2 s, answered 503 where a plain read would have waited its turn);
      // the transactions that need longer say so where they are run.
      transactionOptions: { maxWait: env.DATABASE_POOL_WAIT_SECONDS * 1000 },
    });
  }

  /**
   * The last phase of Nest's shutdown: by then the HTTP server has drained its requests and the
   * workers have finished their jobs, all of which may still need the database.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
