import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { MembershipModule } from '../membership/membership.module';
import { NotesModule } from '../notes/notes.module';
import { ModerationController } from './moderation.controller';
import { ModerationService } from './moderation.service';
import { ModeratorKeysController } from './moderator-keys.controller';
import { ModeratorKeysService } from './moderator-keys.service';
import { NoteReportsController } from './note-reports.controller';
import { NoteReportsService } from './note-reports.service';

/** Reports, moderator keys, moderation actions and the public log (docs/moderation.md). */
@Module({
  controllers: [ModerationController, ModeratorKeysController, NoteReportsController],
  exports: [ModeratorKeysService],
  imports: [CommunitiesModule, MembershipModule, NotesModule],
  providers: [ModerationService, ModeratorKeysService, NoteReportsService],
})
export class ModerationModule {}
