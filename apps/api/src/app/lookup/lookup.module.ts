import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { LookupController } from './lookup.controller';
import { LookupService } from './lookup.service';

/** The private lookup readers' clients (the browser extension) find a post's notes with. */
@Module({
  controllers: [LookupController],
  imports: [CommunitiesModule],
  providers: [LookupService],
})
export class LookupModule {}
