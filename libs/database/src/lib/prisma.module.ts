import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { GroupTreeStore, ModerationLogStore, ScoringOutbox, ScoringRunStore } from './stores';

/** The database client and the stores that own the tables several modules write. */
@Global()
@Module({
  providers: [GroupTreeStore, ModerationLogStore, PrismaService, ScoringOutbox, ScoringRunStore],
  exports: [GroupTreeStore, ModerationLogStore, PrismaService, ScoringOutbox, ScoringRunStore],
})
export class PrismaModule {}
