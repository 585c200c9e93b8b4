import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import {
  GroupTreeStore,
  ModerationLogStore,
  NoteReportsStore,
  ScoringOutbox,
  ScoringRunStore,
} from './stores';

const PROVIDED = [
  GroupTreeStore,
  ModerationLogStore,
  NoteReportsStore,
  PrismaService,
  ScoringOutbox,
  ScoringRunStore,
];

/** The database client and the stores that own the tables several modules write. */
@Global()
@Module({ providers: PROVIDED, exports: PROVIDED })
export class PrismaModule {}
