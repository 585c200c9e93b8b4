import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { CommunityNotesTsvWriter } from './community-notes-tsv.writer';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [CommunitiesModule],
  controllers: [ExportsController],
  providers: [CommunityNotesTsvWriter, ExportsService],
})
export class ExportsModule {}
