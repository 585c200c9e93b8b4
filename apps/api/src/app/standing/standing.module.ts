import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { StandingController } from './standing.controller';
import { StandingService } from './standing.service';

/** Earned standing: the note-writing gate (earn-in, writing lock) and the public profile. */
@Module({
  controllers: [StandingController],
  exports: [StandingService],
  imports: [CommunitiesModule],
  providers: [StandingService],
})
export class StandingModule {}
