import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { GroupTreeStore, ScoringOutbox, ScoringRunStore } from './stores';

/** The database client and the stores that own the tables several modules write. */
@Global()
@Module({
  providers: [GroupTreeStore, PrismaService, ScoringOutbox, ScoringRunStore],
  exports: [GroupTreeStore, PrismaService, ScoringOutbox, ScoringRunStore],
})
export class PrismaModule {}
