import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';

import { SiblingProcesses } from '../common/sibling-processes';
import { CommunitiesModule } from '../communities/communities.module';
import { MembershipModule } from '../membership/membership.module';
import { StandingModule } from '../standing/standing.module';
import { NoteRequestsController } from './note-requests.controller';
import { NoteRequestsService } from './note-requests.service';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';
import { PostResponseCache, PostResponsesMiddleware } from './post-responses';
import { PostsController } from './posts.controller';
import { PostsService } from './posts.service';
import { RatingsController } from './ratings.controller';
import { RatingsService } from './ratings.service';

@Module({
  controllers: [NoteRequestsController, NotesController, PostsController, RatingsController],
  exports: [NotesService],
  imports: [CommunitiesModule, MembershipModule, StandingModule],
  providers: [
    NoteRequestsService,
    NotesService,
    PostResponseCache,
    PostsService,
    RatingsService,
    SiblingProcesses,
  ],
})
export class NotesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PostResponsesMiddleware).forRoutes({ path: 'posts', method: RequestMethod.GET });
  }
}
