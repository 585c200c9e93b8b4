import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { MembershipModule } from '../membership/membership.module';
import { NoteRequestsService } from './note-requests.service';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';
import { PostsService } from './posts.service';
import { RatingsService } from './ratings.service';

@Module({
  controllers: [NotesController],
  imports: [CommunitiesModule, MembershipModule],
  providers: [NoteRequestsService, NotesService, PostsService, RatingsService],
})
export class NotesModule {}
